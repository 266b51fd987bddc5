using System.Diagnostics;
using Esr.Kernel.Judging;

namespace Esr.Kernel.Tests.Judging;

/// <summary>
/// The judges against a loopback server speaking the OpenAI chat-completions and Anthropic Messages wire formats.
/// One class, so the fake keys set in the environment are not raced by other tests of this class.
/// </summary>
[Collection(JudgeEnvironmentCollection.Name)]
public sealed class ChatClientJudgeWireTests : IDisposable
{
    private const string FakeOpenAiKey = "sk-test-FAKEKEY-0123456789abcdef";
    private const string FakeAnthropicKey = "sk-ant-test-FAKEKEY-fedcba9876543210";
    private static readonly JudgeRequest Request = new("Explain how a bicycle works.", "Pedals turn the chain.", "cheese");

    private static readonly JudgeClientOptions Fast = new()
    {
        MaxConcurrency = 4,
        RequestTimeout = TimeSpan.FromSeconds(2), // generous: a cold first call JITs the SDK
        MaxRetries = 2,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        RetryMaxDelay = TimeSpan.FromSeconds(3),
    };

    private readonly string? _savedOpenAi = Environment.GetEnvironmentVariable("OPENAI_API_KEY");
    private readonly string? _savedAnthropic = Environment.GetEnvironmentVariable("ANTHROPIC_API_KEY");
    private readonly string _temp = Directory.CreateTempSubdirectory("esr-judge-").FullName;

    public ChatClientJudgeWireTests()
    {
        Environment.SetEnvironmentVariable("OPENAI_API_KEY", FakeOpenAiKey);
        Environment.SetEnvironmentVariable("ANTHROPIC_API_KEY", FakeAnthropicKey);
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("OPENAI_API_KEY", _savedOpenAi);
        Environment.SetEnvironmentVariable("ANTHROPIC_API_KEY", _savedAnthropic);
        Directory.Delete(_temp, recursive: true);
    }

    private static ChatClientJudge OpenAi(LoopbackServer server, JudgeClientOptions? options = null, CapturingLogger? logger = null) =>
        JudgeBackends.OpenAiCompatible("test-model", new Uri(server.BaseUrl, "/v1"), "OPENAI_API_KEY", options ?? Fast, logger: logger);

    private static ChatClientJudge Anthropic(LoopbackServer server, JudgeClientOptions? options = null, CapturingLogger? logger = null) =>
        JudgeBackends.Anthropic(JudgeAliases.PaperPrimary, options ?? Fast, baseUrl: server.BaseUrl, logger: logger);

    private static ScriptedReply Ok(string content) => new(200, WireFormats.OpenAiCompletion(content));

    [Fact]
    public async Task OpenAi_replayed_reply_is_parsed_and_the_request_carries_both_messages_and_the_token_cap()
    {
        using var server = new LoopbackServer(_ => Ok(WireFormats.TwoAttempts));
        using var judge = OpenAi(server);
        var verdict = await judge.JudgeAsync(Request);

        Assert.True(verdict.Succeeded, verdict.Error);
        Assert.Equal([new Attempt("Cheese", 5), new Attempt("Wait, gears.", 80)], verdict.Attempts!);
        Assert.Equal(WireFormats.TwoAttempts, verdict.RawReply);
        var received = Assert.Single(server.Received);
        Assert.Equal("/v1/chat/completions", received.Path);
        Assert.Contains("\"system\"", received.Body);
        Assert.Contains("Unrelated feature: cheese", received.Body);
        Assert.Contains("4096", received.Body);
        Assert.Equal("Bearer " + FakeOpenAiKey, received.Headers["Authorization"]);
    }

    [Fact]
    public async Task A_429_with_retry_after_waits_as_asked_then_succeeds()
    {
        using var server = new LoopbackServer(r => r.Index == 0
            ? new ScriptedReply(429, "{\"error\":{\"message\":\"slow down\"}}", new Dictionary<string, string> { ["Retry-After"] = "1" })
            : Ok(WireFormats.GoodReply));
        using var judge = OpenAi(server);
        var clock = Stopwatch.StartNew();
        var verdict = await judge.JudgeAsync(Request);

        Assert.True(verdict.Succeeded, verdict.Error);
        Assert.Equal(2, server.Count);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"waited only {clock.Elapsed}");
    }

    [Fact]
    public async Task Server_errors_are_retried_and_a_persistent_one_becomes_an_error_verdict()
    {
        using (var flaky = new LoopbackServer(r => r.Index < 2 ? new ScriptedReply(500, "{}") : Ok(WireFormats.GoodReply)))
        using (var judge = OpenAi(flaky))
        {
            var verdict = await judge.JudgeAsync(Request);
            Assert.True(verdict.Succeeded, verdict.Error);
            Assert.Equal(3, flaky.Count);
        }

        using var broken = new LoopbackServer(_ => new ScriptedReply(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        using var judge2 = OpenAi(broken);
        var failed = await judge2.JudgeAsync(Request);
        Assert.False(failed.Succeeded);
        Assert.Null(failed.Attempts);
        Assert.Equal(Fast.MaxRetries + 1, broken.Count);
        Assert.Contains("503", failed.Error);
    }

    [Fact]
    public async Task A_slow_reply_times_out_and_is_retried_and_an_always_slow_server_gives_an_error_verdict()
    {
        var slow = new ScriptedReply(200, WireFormats.OpenAiCompletion(WireFormats.GoodReply), Delay: TimeSpan.FromSeconds(20));
        using (var once = new LoopbackServer(r => r.Index == 0 ? slow : Ok(WireFormats.GoodReply)))
        using (var judge = OpenAi(once))
        {
            var verdict = await judge.JudgeAsync(Request);
            Assert.True(verdict.Succeeded, verdict.Error);
            Assert.Equal(2, once.Count);
        }

        using var always = new LoopbackServer(_ => slow);
        using var judge2 = OpenAi(always, Fast with { MaxRetries = 1 });
        var clock = Stopwatch.StartNew();
        var failed = await judge2.JudgeAsync(Request);
        Assert.False(failed.Succeeded);
        Assert.Equal(2, always.Count);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(12), $"took {clock.Elapsed}"); // two 2 s attempts, not a 20 s reply
    }

    [Fact]
    public async Task A_malformed_body_and_a_reply_without_tags_are_error_verdicts_not_exceptions()
    {
        using (var garbled = new LoopbackServer(_ => new ScriptedReply(200, "{\"choices\": [ this is not json")))
        using (var judge = OpenAi(garbled))
        {
            var verdict = await judge.JudgeAsync(Request);
            Assert.False(verdict.Succeeded);
            Assert.Null(verdict.RawReply);
            Assert.Equal(1, garbled.Count);
        }

        const string untagged = "The response is fine, I would give it a high grade.";
        using var server = new LoopbackServer(_ => Ok(untagged));
        using var judge2 = OpenAi(server);
        var noJson = await judge2.JudgeAsync(Request);
        Assert.Equal($"{JudgeReplyParser.FormatErrorType}: No JSON found", noJson.Error);
        Assert.Equal(untagged, noJson.RawReply);
        Assert.Equal(1, server.Count);
    }

    [Fact]
    public async Task A_batch_with_failing_trials_keeps_every_other_verdict()
    {
        using var server = new LoopbackServer(r =>
            r.Body.Contains("Unrelated feature: bad-500", StringComparison.Ordinal) ? new ScriptedReply(500, "{}")
            : r.Body.Contains("Unrelated feature: bad-body", StringComparison.Ordinal) ? new ScriptedReply(200, "<html>")
            : r.Body.Contains("Unrelated feature: bad-tags", StringComparison.Ordinal) ? Ok("<json>{oops</json>")
            : Ok(WireFormats.GoodReply));
        using var judge = OpenAi(server);
        string[] labels = ["a", "bad-500", "b", "bad-body", "c", "bad-tags", "d", "e"];
        var verdicts = await Task.WhenAll(labels.Select(l => judge.JudgeAsync(Request with { FeatureLabel = l })));

        Assert.Equal(labels.Length, verdicts.Length);
        for (int i = 0; i < labels.Length; i++)
        {
            Assert.Equal(!labels[i].StartsWith("bad", StringComparison.Ordinal), verdicts[i].Succeeded);
            if (verdicts[i].Succeeded) Assert.Equal(90, Assert.Single(verdicts[i].Attempts!).Score);
        }
        Assert.True(server.MaxInFlight <= Fast.MaxConcurrency);
    }

    [Fact]
    public async Task The_concurrency_limit_holds()
    {
        using var server = new LoopbackServer(_ => Ok(WireFormats.GoodReply) with { Delay = TimeSpan.FromMilliseconds(150) });
        using var judge = OpenAi(server, Fast with { MaxConcurrency = 2 });
        var verdicts = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => judge.JudgeAsync(Request with { FeatureLabel = $"f{i}" })));
        Assert.All(verdicts, v => Assert.True(v.Succeeded, v.Error));
        Assert.Equal(6, server.Count);
        Assert.InRange(server.MaxInFlight, 1, 2);
    }

    [Fact]
    public async Task The_rate_limit_spaces_call_starts()
    {
        using var server = new LoopbackServer(_ => Ok(WireFormats.GoodReply));
        using var judge = OpenAi(server, Fast with { MaxCallsPerSecond = 10 });
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => judge.JudgeAsync(Request with { FeatureLabel = $"f{i}" })));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(280), $"4 calls at 10/s took {clock.Elapsed}");
    }

    [Fact]
    public async Task An_echoed_key_never_reaches_logs_verdicts_or_the_cache()
    {
        // A hostile server that echoes the Authorization header in its error body and in a reply.
        using var server = new LoopbackServer(r => r.Index % 2 == 0
            ? new ScriptedReply(401, $"{{\"error\":{{\"message\":\"bad key {r.Headers.GetValueOrDefault("Authorization")}\"}}}}")
            : Ok(WireFormats.GoodReply));
        var logger = new CapturingLogger();
        using var judge = OpenAi(server, logger: logger);
        var cache = new JudgeCache(Path.Combine(_temp, "cache"));
        var cached = new CachingJudge(judge, cache);

        var first = await cached.JudgeAsync(Request);
        var second = await cached.JudgeAsync(Request with { FeatureLabel = "other" });

        Assert.False(first.Succeeded);
        Assert.DoesNotContain(FakeOpenAiKey, first.Error);
        Assert.Contains("[redacted]", first.Error);
        Assert.True(second.Succeeded, second.Error);
        Assert.NotEmpty(logger.Lines);
        Assert.DoesNotContain(FakeOpenAiKey, logger.All);
        foreach (var file in Directory.EnumerateFiles(cache.Directory, "*", SearchOption.AllDirectories))
            Assert.DoesNotContain(FakeOpenAiKey, File.ReadAllText(file));
        Assert.Single(Directory.EnumerateFiles(cache.Directory, "*.json", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_key_from_any_variable_echoed_in_a_reply_or_an_error_body_never_reaches_verdicts_logs_or_the_cache()
    {
        var variable = "ESR_TEST_KEY_" + Guid.NewGuid().ToString("N");
        const string key = "my-own-key-5a4b3c2d1e0f";
        Environment.SetEnvironmentVariable(variable, key);
        try
        {
            // A hostile server that echoes the Authorization header in a 401 body and inside a graded reply.
            using var server = new LoopbackServer(r =>
            {
                var sent = r.Headers.GetValueOrDefault("Authorization") ?? "";
                return r.Body.Contains("Unrelated feature: denied", StringComparison.Ordinal)
                    ? new ScriptedReply(401, $"{{\"error\":{{\"message\":\"bad key {sent}\"}}}}")
                    : Ok($"Your key is {sent}. <json>{{\"attempts\": [{{\"attempt_text\": \"{sent}\", \"score\": 50}}]}}</json>");
            });
            var logger = new CapturingLogger();
            using var judge = JudgeBackends.OpenAiCompatible("test-model", new Uri(server.BaseUrl, "/v1"), variable, Fast, logger: logger);
            var cache = new JudgeCache(Path.Combine(_temp, "cache"));
            var cached = new CachingJudge(judge, cache);

            var echoed = await cached.JudgeAsync(Request);
            var denied = await cached.JudgeAsync(Request with { FeatureLabel = "denied" });

            Assert.True(echoed.Succeeded, echoed.Error);
            Assert.Equal("Bearer [redacted]", Assert.Single(echoed.Attempts!).Text);
            Assert.DoesNotContain(key, echoed.RawReply);
            Assert.False(denied.Succeeded);
            Assert.Contains("[redacted]", denied.Error);
            Assert.DoesNotContain(key, denied.Error);
            Assert.DoesNotContain(key, logger.All);
            var files = Directory.EnumerateFiles(cache.Directory, "*", SearchOption.AllDirectories).ToList();
            Assert.Single(files);
            Assert.All(files, file => Assert.DoesNotContain(key, File.ReadAllText(file)));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task A_reply_body_over_1_MiB_is_an_error_verdict_naming_the_limit_and_is_not_retried()
    {
        var padding = new string('x', (1 << 20) + 10);
        using var openAi = new LoopbackServer(_ => Ok($"<json>{{\"attempts\": [{{\"attempt_text\": \"{padding}\", \"score\": 50}}]}}</json>"));
        using var anthropic = new LoopbackServer(_ => new ScriptedReply(200, WireFormats.AnthropicMessage($"<json>{{\"attempts\": [{{\"attempt_text\": \"{padding}\", \"score\": 50}}]}}</json>")));
        using var openAiJudge = OpenAi(openAi);
        using var anthropicJudge = Anthropic(anthropic);

        var verdicts = new[] { await openAiJudge.JudgeAsync(Request), await anthropicJudge.JudgeAsync(Request) };

        Assert.All(verdicts, v => Assert.False(v.Succeeded));
        Assert.All(verdicts, v => Assert.Null(v.RawReply));
        Assert.All(verdicts, v => Assert.StartsWith("JudgeReplyTooLarge: the response body is over the 1 MiB limit", v.Error));
        Assert.Equal((1, 1), (openAi.Count, anthropic.Count));
    }

    [Fact]
    public async Task The_cache_prevents_a_second_http_call_across_judge_instances()
    {
        using var server = new LoopbackServer(_ => Ok(WireFormats.TwoAttempts));
        var directory = Path.Combine(_temp, "cache");
        JudgeVerdict first, again;
        using (var judge = OpenAi(server)) first = await new CachingJudge(judge, new JudgeCache(directory)).JudgeAsync(Request);
        using (var judge = OpenAi(server))
        {
            var cached = new CachingJudge(judge, new JudgeCache(directory));
            again = await cached.JudgeAsync(Request);
            Assert.Equal(1, cached.Hits);
            Assert.Equal(0, cached.Misses);
        }
        Assert.Equal(1, server.Count);
        Assert.Equal(first.Attempts!, again.Attempts!);
        Assert.Equal(first.RawReply, again.RawReply);
    }

    [Fact]
    public async Task Anthropic_messages_reply_is_parsed_and_a_429_is_retried()
    {
        using var server = new LoopbackServer(r => r.Index == 0
            ? new ScriptedReply(429, "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow\"}}",
                new Dictionary<string, string> { ["retry-after"] = "0" })
            : new ScriptedReply(200, WireFormats.AnthropicMessage(WireFormats.TwoAttempts)));
        var logger = new CapturingLogger();
        using var judge = Anthropic(server, logger: logger);
        var verdict = await judge.JudgeAsync(Request);

        Assert.True(verdict.Succeeded, verdict.Error);
        Assert.Equal(2, verdict.Attempts!.Count);
        Assert.Equal(2, server.Count);
        var last = server.Received.Last();
        Assert.Equal("/v1/messages", last.Path);
        // SDK 13.14 sends the key as a bearer token; older versions used x-api-key. Either way the SDK got it.
        var sent = last.Headers.GetValueOrDefault("x-api-key") ?? last.Headers.GetValueOrDefault("Authorization");
        Assert.Contains(FakeAnthropicKey, sent);
        Assert.Contains("\"system\"", last.Body);
        Assert.Contains(JudgeAliases.PaperPrimary, last.Body);
        Assert.DoesNotContain(FakeAnthropicKey, logger.All);
    }

    [Fact]
    public async Task Anthropic_failures_become_error_verdicts()
    {
        using var server = new LoopbackServer(r => r.Index switch
        {
            0 => new ScriptedReply(200, "not json at all"),
            _ => new ScriptedReply(500, "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"boom\"}}"),
        });
        using var judge = Anthropic(server);
        var garbled = await judge.JudgeAsync(Request);
        var broken = await judge.JudgeAsync(Request);
        Assert.False(garbled.Succeeded);
        Assert.False(broken.Succeeded);
        Assert.Equal(1 + Fast.MaxRetries + 1, server.Count);
    }

    [Fact]
    public void A_missing_key_is_named_by_variable_only()
    {
        Environment.SetEnvironmentVariable("ANTHROPIC_API_KEY", null);
        var e = Assert.Throws<InvalidOperationException>(() => JudgeBackends.Anthropic("claude-x"));
        Assert.Contains("ANTHROPIC_API_KEY", e.Message);
    }
}
