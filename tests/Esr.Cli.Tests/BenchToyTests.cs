using Esr.Kernel;
using Esr.Kernel.Benchmarks;
using Esr.Kernel.Generation;
using Esr.Kernel.Models;

namespace Esr.Cli.Tests;

/// <summary><c>esr bench toy</c>: the toy zoo against a bare libtorch loop of the same weights.</summary>
public sealed class BenchToyTests
{
    [Fact]
    public void The_bare_loop_decodes_the_same_greedy_tokens_as_the_engine()
    {
        var directory = ModelReference.Resolve("toy-s-base").Directory;
        using var engine = CausalLanguageModel.Load(directory);
        using var bare = new BareLlamaLoop(directory);
        int[][] prompts = [[5, 17, 40, 3, 99, 250], [7, 7, 120, 8, 64, 2]];

        var expected = GreedyRun.Time(new BatchGenerator(engine), prompts, 12).Tokens;
        var actual = bare.Generate(prompts, 12).Tokens;

        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Bench_toy_reports_each_batch_against_the_bare_loop_and_the_experiments_trials_per_minute()
    {
        var run = await CliRun.InProcessAsync("bench", "toy", "--models", "toy-s-base", "--batches", "1,3", "--repeats", "1",
            "--new-tokens", "4", "--n-trials", "1", "--max-tokens", "8");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Matches(@"\| toy-s-base \| 1 \| \d+ \| \d+ \| \d+\.\d\d \| (yes|no) \|", run.Stdout);
        Assert.Matches(@"\| toy-s-base \| 3 \| \d+ \| \d+ \| \d+\.\d\d \| (yes|no) \|", run.Stdout);
        Assert.Matches(@"\| toy-s-base \| [1-9]\d* \| \d+\.\d\d \| \d+ \|", run.Stdout);
    }
}
