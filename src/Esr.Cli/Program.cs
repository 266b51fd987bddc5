using System.Globalization;
using System.Runtime.InteropServices;

namespace Esr.Cli;

/// <summary>The <c>esr</c> executable: keeps stdout for results only, then hands over to <see cref="EsrCli"/>.</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        // Numbers are read and written the same way whatever the user's locale (scripts parse the output).
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;

        using var streams = StandardStreams.Isolate();
        // Ctrl+C and SIGTERM cancel the running command (a generation stops between tokens) instead of killing the
        // process, so that the error line and the exit status still come out; a second one kills it as usual.
        using var interrupt = new CancellationTokenSource();
        void Cancel(PosixSignalContext context)
        {
            context.Cancel = !interrupt.IsCancellationRequested;
            interrupt.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        return await EsrCli.RunAsync(args, streams.Output, streams.Error, interrupt.Token);
    }
}
