namespace Esr.Cli.Tests;

/// <summary>
/// <c>esr bench magics</c> with the extension built beside these tests, loaded straight into the kernel: a restore of
/// the 0.1.0-dev package would go through the machine's shared NuGet folder, which another checkout may hold.
/// </summary>
public sealed class BenchMagicsTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public async Task Bench_magics_times_the_same_toy_run_through_the_magic_and_the_facade_and_reports_the_overhead()
    {
        var extension = MagicsAssembly();

        var run = await CliRun.InProcessAsync("bench", "magics", "--extension", extension, "--repeats", "1", "--n-trials", "1", "--max-tokens", "8");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Matches(@"toy experiment 1 on toy-m-sa60, [1-9]\d* trials per run, Esr.Magics preloaded from ", run.Stdout);
        var rows = run.Stdout.Split('\n').Where(line => line.StartsWith("| facade", StringComparison.Ordinal) || line.StartsWith("| magic", StringComparison.Ordinal));
        Assert.Equal(2, rows.Count());
        Assert.Matches(@"Magic overhead: [+-]\d+\.\d % \(goal: at most 5 %\)\. Extension load: \d+\.\d s\.", run.Stdout);
    }

    private static string MagicsAssembly()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (!File.Exists(Path.Combine(directory.FullName, "Esr.sln"))) continue;
            var assembly = Path.Combine(directory.FullName, "src", "Esr.Magics", "bin", Configuration, "net10.0", "linux-x64", "Esr.Magics.dll");
            return File.Exists(assembly) ? assembly : throw new FileNotFoundException("build the solution first: the extension is loaded from its build output", assembly);
        }
        throw new DirectoryNotFoundException($"no Esr.sln above {AppContext.BaseDirectory}");
    }
}
