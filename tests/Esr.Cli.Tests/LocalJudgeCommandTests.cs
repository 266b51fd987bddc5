namespace Esr.Cli.Tests;

[Collection(TinyLlamaCollection.Name)]
public sealed class LocalJudgeCommandTests(TinyLlama tiny)
{
    [Fact]
    public async Task A_local_model_judges_and_its_gibberish_is_one_stderr_line_and_exit_status_one()
    {
        var run = await CliRun.InProcessAsync(
            "judge", "--judge", "local:" + tiny.ModelDirectory, "--max-tokens", "8",
            "--prompt", "Explain how a bicycle works.", "--response", "Pedals turn the chain.", "--label", "cheese");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Single(run.StderrLines);
        Assert.StartsWith("esr: the judge failed:", run.Stderr);
    }

    [Fact]
    public async Task A_missing_local_model_directory_is_named()
    {
        var missing = Path.Combine(tiny.Root, "no-such-model");
        var run = await CliRun.InProcessAsync(
            "judge", "--judge", "local:" + missing, "--prompt", "p", "--response", "r", "--label", "l");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Contains(missing, run.Stderr);
    }
}
