namespace Esr.Cli.Tests;

/// <summary><c>esr bench sampling</c>: picking a decoding step's tokens on one thread and on the thread pool.</summary>
public sealed class BenchSamplingTests
{
    [Fact]
    public async Task Bench_sampling_prints_a_row_per_batch_size()
    {
        var run = await CliRun.InProcessAsync("bench", "sampling", "--vocabulary", "2000", "--batches", "1,3", "--repeats", "2", "--temperature", "0");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("vocabulary 2000, temperature 0, top-p 1 (milliseconds a step, medians of 2)", run.Stdout);
        Assert.Matches(@"\| 1 \| \d+\.\d\d \| \d+\.\d\d \| \d+\.\d\d \|", run.Stdout);
        Assert.Matches(@"\| 3 \| \d+\.\d\d \| \d+\.\d\d \| \d+\.\d\d \|", run.Stdout);
    }

    [Fact]
    public async Task A_negative_temperature_is_named()
    {
        var run = await CliRun.InProcessAsync("bench", "sampling", "--temperature", "-1");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("temperature must be a finite number >= 0", run.Stderr);
    }
}
