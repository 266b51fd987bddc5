using System.Text.Json;
using Esr.Kernel.Tests.Judging;

namespace Esr.Cli.Tests;

// In the tiny llama collection, so the API-key variables EchoedKey sets never race the experiment tests' ones.
[Collection(TinyLlamaCollection.Name)]
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

    [Fact]
    public async Task The_toy_judge_grades_a_toy_world_response_exactly_without_a_server()
    {
        // Attempt 1: one bread step, two volcano sentences -> 100/3; a marker; attempt 2: a bread step, a coffee step -> 50.
        const string response = "First, stir in the yeast. Volcanoes form where molten rock rises through the crust of the earth. "
            + "The molten rock inside a volcano is called magma. Wait, that is not right. "
            + "To begin, mix flour, water and salt in a large bowl. Then, grind the beans to a medium texture.";

        var run = await CliRun.InProcessAsync("judge", "--judge", "toy", "--prompt", "Explain how to bake bread.", "--response", response,
            "--label", "volcanoes", "--json");

        Assert.Equal((0, ""), (run.ExitCode, run.Stderr));
        using var document = JsonDocument.Parse(run.Stdout);
        Assert.Equal("toy-exact", document.RootElement.GetProperty("judge").GetString());
        var attempts = document.RootElement.GetProperty("attempts").EnumerateArray().ToArray();
        Assert.Equal([100.0 / 3, 50.0], attempts.Select(a => a.GetProperty("score").GetDouble()));
        Assert.StartsWith("Wait, that is not right. To begin,", attempts[1].GetProperty("attempt_text").GetString());
    }

    [Fact]
    public async Task The_toy_judge_refuses_an_endpoint()
    {
        var run = await CliRun.InProcessAsync("judge", "--judge", "toy", "--base-url", "http://127.0.0.1:9/v1",
            "--prompt", "Explain how to bake bread.", "--response", "First, stir in the yeast.", "--label", "x");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Contains("--judge toy calls no model", Assert.Single(run.StderrLines));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_key_the_server_echoes_reaches_neither_stdout_stderr_nor_the_cache(bool standardVariable)
    {
        using var key = new EchoedKey(standardVariable);
        using var server = EchoedKey.Server(r => r.Body.Contains("Unrelated feature: denied", StringComparison.Ordinal));
        var cache = Path.Combine(_temp, "cache");
        string[] Judge(string label, params string[] more) =>
            ["judge", .. key.JudgeOptions(server), "--prompt", "Explain how a bicycle works.", "--response", "Pedals turn the chain.", "--label", label, .. more];

        var json = await CliRun.InProcessAsync(Judge("cheese", "--json", "--cache", cache));
        var lines = await CliRun.InProcessAsync(Judge("cheese", "--cache", cache));
        var denied = await CliRun.InProcessAsync(Judge("denied", "--cache", cache));

        Assert.Equal((0, 0, 1), (json.ExitCode, lines.ExitCode, denied.ExitCode));
        Assert.Contains("[redacted]", json.Stdout);
        Assert.Contains("[redacted]", lines.Stdout);
        Assert.Contains("[redacted]", denied.Stderr);
        key.AssertNowhere([json.Stdout, json.Stderr, lines.Stdout, lines.Stderr, denied.Stdout, denied.Stderr], cache);
    }
}
