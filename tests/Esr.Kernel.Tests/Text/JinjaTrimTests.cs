using System.Diagnostics;
using Esr.Kernel.Text;

namespace Esr.Kernel.Tests.Text;

/// <summary>The templates' <c>trim</c> is Python's <c>str.strip()</c>, as under transformers' Jinja.</summary>
public sealed class JinjaTrimTests
{
    [Fact]
    public void Trim_strips_exactly_the_characters_python_calls_whitespace()
    {
        var python = PythonWhitespace();
        var ours = Enumerable.Range(0, 0x10000).Where(c => JinjaTrim.IsPythonSpace((char)c)).ToArray();
        Assert.Equal(python, ours);
    }

    [Fact]
    public void Trim_strips_both_ends_and_keeps_the_inside()
    {
        Assert.Equal("a \u001C b", JinjaTrim.Apply("\u001C\u0085 a \u001C b\u3000\n"));
        Assert.Equal("\uFEFFa", JinjaTrim.Apply("\uFEFFa ")); // U+FEFF is not whitespace to Python
        Assert.Equal("", JinjaTrim.Apply(" \t\r\n"));
    }

    private static int[] PythonWhitespace()
    {
        var start = new ProcessStartInfo("python3",
            ["-c", "print(' '.join(str(c) for c in range(0x10000) if chr(c).isspace()))"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)
                            ?? throw new InvalidOperationException("python3 did not start; run environment/setup.sh.");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(int.Parse).ToArray();
    }
}
