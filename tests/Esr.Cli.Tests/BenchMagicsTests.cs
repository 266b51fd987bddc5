namespace Esr.Cli.Tests;

/// <summary><c>esr bench magics</c> on the feed environment/setup.sh packs.</summary>
public sealed class BenchMagicsTests
{
    [Fact]
    public async Task Bench_magics_times_the_same_toy_run_through_the_magic_and_the_facade_and_reports_the_overhead()
    {
        var feed = Feed();

        var run = await CliRun.InProcessAsync("bench", "magics", "--feed", feed, "--repeats", "1", "--n-trials", "1", "--max-tokens", "8");

        Assert.True(run.ExitCode == 0, run.Stderr);
        var rows = run.Stdout.Split('\n').Where(line => line.StartsWith("| facade", StringComparison.Ordinal) || line.StartsWith("| magic", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, rows.Length);
        Assert.Matches(@"toy experiment 1 on toy-m-sa60, [1-9]\d* trials per run", run.Stdout);
        Assert.Matches(@"Magic overhead: [+-]\d+\.\d % \(goal: at most 5 %\)\. Extension load \(.*\): \d+\.\d s\.", run.Stdout);
    }

    private static string Feed()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var feed = Path.Combine(directory.FullName, "artifacts", "feed");
            if (File.Exists(Path.Combine(directory.FullName, "Esr.sln")))
                return Directory.Exists(feed) ? feed : throw new DirectoryNotFoundException($"{feed} is missing: environment/setup.sh packs the extension there");
        }
        throw new DirectoryNotFoundException($"no Esr.sln above {AppContext.BaseDirectory}");
    }
}
