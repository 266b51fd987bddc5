using System.Diagnostics;
using Esr.Cli;

namespace Esr.Cli.Tests;

/// <summary>What one <c>esr</c> invocation left behind.</summary>
public sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The lines written to stderr.</summary>
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Runs the command tree in this process, with string writers for stdout and stderr.</summary>
    public static async Task<CliRun> InProcessAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await EsrCli.RunAsync(args, output, error);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>
    /// Runs the built <c>esr.dll</c> as a child process (<c>dotnet esr.dll ...</c>), so that what reaches the real
    /// stdout and stderr descriptors, native libraries included, is what is checked.
    /// </summary>
    public static async Task<CliRun> ChildProcessAsync(params string[] args)
    {
        using var process = StartChild(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new CliRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts <c>dotnet esr.dll ...</c> with stdout and stderr redirected; the caller reads them and waits.</summary>
    public static Process StartChild(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "esr.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return Process.Start(start)!;
    }
}
