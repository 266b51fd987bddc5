using System.Text.Json;
using Esr.Kernel.Tests.Judging;

namespace Esr.Cli.Tests;

public sealed class JudgeCommandTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("esr-cli-judge-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static string[] Args(LoopbackServer server, params string[] more) =>
    [
        "judge", "--judge", "test-model", "--base-url", new Uri(server.BaseUrl, "/v1").ToString(),
        "--prompt", "Explain how a bicycle works.", "--response", "Pedals turn the chain.", "--label", "cheese", .. more,
    ];

    [Fact]
    public async Task Judge_prints_the_verdict_as_json_and_the_cache_saves_the_second_call()
    {
        using var server = new LoopbackServer(_ => new ScriptedReply(200, WireFormats.OpenAiCompletion(WireFormats.TwoAttempts)));
        var cache = Path.Combine(_temp, "cache");

        var first = await CliRun.InProcessAsync(Args(server, "--json", "--cache", cache));
        var second = await CliRun.InProcessAsync(Args(server, "--json", "--cache", cache));

        Assert.Equal(0, first.ExitCode);
        Assert.Equal("", first.Stderr);
        using var document = JsonDocument.Parse(first.Stdout);
        var attempts = document.RootElement.GetProperty("attempts");
        Assert.Equal(2, attempts.GetArrayLength());
        Assert.Equal(5, attempts[0].GetProperty("score").GetDouble());
        Assert.Equal(first.Stdout, second.Stdout);
        Assert.Equal(1, server.Count);
    }

    [Fact]
    public async Task Judge_prints_one_line_per_attempt_without_json()
    {
        using var server = new LoopbackServer(_ => new ScriptedReply(200, WireFormats.OpenAiCompletion(WireFormats.TwoAttempts)));
        var run = await CliRun.InProcessAsync(Args(server));
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("1\t5\tCheese\n2\t80\tWait, gears.\n", run.Stdout);
    }

    [Fact]
    public async Task A_failed_judge_call_is_one_stderr_line_and_exit_status_one()
    {
        using var server = new LoopbackServer(_ => new ScriptedReply(400, "{\"error\":{\"message\":\"bad request\"}}"));
        var run = await CliRun.InProcessAsync(Args(server));
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Single(run.StderrLines);
        Assert.StartsWith("esr: the judge failed:", run.Stderr);
    }
}
