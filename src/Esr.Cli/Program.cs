using System.Globalization;

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
        return await EsrCli.RunAsync(args, streams.Output, streams.Error);
    }
}
