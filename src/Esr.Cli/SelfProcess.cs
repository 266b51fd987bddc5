using System.Diagnostics;

namespace Esr.Cli;

/// <summary>This esr started again as a child process (bench's loading-memory measurement, toy build's jobs).</summary>
internal static class SelfProcess
{
    /// <summary>How to start esr with <paramref name="arguments"/>: its apphost, or dotnet with esr.dll when run that way.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self);
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(SelfProcess).Assembly.Location);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return start;
    }
}
