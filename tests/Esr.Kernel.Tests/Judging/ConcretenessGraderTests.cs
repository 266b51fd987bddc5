using System.Text.Json;
using Esr.Kernel.Judging;

namespace Esr.Kernel.Tests.Judging;

/// <summary>The concreteness grader against a loopback server speaking the OpenAI chat-completions format.</summary>
public sealed class ConcretenessGraderTests : IDisposable
{
    private static readonly JudgeClientOptions Fast = new()
    {
        MaxConcurrency = 8,
        RequestTimeout = TimeSpan.FromSeconds(5),
        MaxRetries = 0,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        RetryMaxDelay = TimeSpan.FromMilliseconds(50),
    };

    private readonly string _temp = Directory.CreateTempSubdirectory("esr-grader-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static ConcretenessGrader Grader(LoopbackServer server, ConcretenessCache? cache = null, int batchSize = 50)
    {
        var client = JudgeBackends.OpenAiChatClient("grader-model", new Uri(server.BaseUrl, "/v1"), apiKeyVariable: null, Fast);
        return new ConcretenessGrader(client, "grader-model", cache, options: Fast, ownsClient: true) { BatchSize = batchSize };
    }

    /// <summary>The labels a request asked about: the JSON array that ends its user message.</summary>
    private static string[] LabelsOf(ReceivedRequest request)
    {
        using var body = JsonDocument.Parse(request.Body);
        var user = body.RootElement.GetProperty("messages")[1].GetProperty("content").GetString()!;
        return JsonSerializer.Deserialize<string[]>(user[user.LastIndexOf("\n\n[", StringComparison.Ordinal)..].Trim())!;
    }

    /// <summary>A reply rating each label by its length, fenced as models often do.</summary>
    private static ScriptedReply RateByLength(ReceivedRequest request, Func<string, bool>? keep = null)
    {
        var rated = LabelsOf(request).Where(keep ?? (_ => true))
            .Select(label => new { label, justification = "because", rating = label.Length });
        return new ScriptedReply(200, WireFormats.OpenAiCompletion("```json\n" + JsonSerializer.Serialize(rated) + "\n```"));
    }

    private static string[] Labels(int count) => Enumerable.Range(0, count).Select(i => $"label {new string('x', i % 7)} {i}").ToArray();

    [Fact]
    public async Task Labels_are_graded_in_batches_of_fifty_sent_together_with_the_specs_request_shape()
    {
        using var server = new LoopbackServer(request => RateByLength(request) with { Delay = TimeSpan.FromMilliseconds(600) });
        using var grader = Grader(server);
        var labels = Labels(120);

        var scores = await grader.GradeAsync(labels);

        Assert.Equal(labels.Length, scores.Count);
        foreach (var label in labels) Assert.Equal(label.Length, scores[label]);
        Assert.Equal(3, server.Count);
        Assert.Equal([20, 50, 50], server.Received.Select(r => LabelsOf(r).Length).Order());
        Assert.True(server.MaxInFlight >= 2, $"batches ran one at a time (max in flight {server.MaxInFlight})");
        var first = server.Received.First();
        Assert.Contains("\"system\"", first.Body);
        Assert.Contains("10000", first.Body);
        Assert.Contains("clarification", first.Body);
    }

    [Fact]
    public async Task A_malformed_or_failed_batch_gives_zero_to_each_of_its_labels_only()
    {
        var labels = Labels(9);
        using var server = new LoopbackServer(request =>
        {
            var asked = LabelsOf(request);
            if (asked.Contains(labels[0])) return new ScriptedReply(200, WireFormats.OpenAiCompletion("Here are the ratings: [{\"label\": oops"));
            if (asked.Contains(labels[3])) return new ScriptedReply(500, "{\"error\":{\"message\":\"boom\"}}");
            return RateByLength(request);
        });
        using var grader = Grader(server, batchSize: 3);

        var scores = await grader.GradeAsync(labels);

        Assert.Equal(3, server.Count);
        foreach (var label in labels[..6]) Assert.Equal(0.0, scores[label]);
        foreach (var label in labels[6..]) Assert.Equal(label.Length, scores[label]);
    }

    [Fact]
    public async Task Labels_missing_from_a_reply_get_zero()
    {
        var labels = Labels(4);
        using var server = new LoopbackServer(request => RateByLength(request, label => label != labels[2]));
        using var grader = Grader(server);

        var scores = await grader.GradeAsync(labels);

        Assert.Equal(0.0, scores[labels[2]]);
        Assert.Equal(labels[1].Length, scores[labels[1]]);
        Assert.Equal(4, scores.Count);
    }

    [Fact]
    public async Task Cached_labels_cost_no_call_and_only_given_scores_are_cached()
    {
        var labels = Labels(5);
        using var server = new LoopbackServer(request => RateByLength(request, label => label != labels[4]));
        var cache = new ConcretenessCache(Path.Combine(_temp, "cache"));
        using (var grader = Grader(server, cache)) await grader.GradeAsync(labels);
        Assert.Equal(1, server.Count);

        using var again = Grader(server, new ConcretenessCache(Path.Combine(_temp, "cache")));
        var scores = await again.GradeAsync(labels[..4]);
        Assert.Equal(1, server.Count);
        Assert.Equal(labels[3].Length, scores[labels[3]]);

        // The label the model skipped was not cached: asking for it costs a call again.
        await again.GradeAsync(labels);
        Assert.Equal(2, server.Count);
        Assert.Equal([labels[4]], LabelsOf(server.Received.Last()));
    }

    [Fact]
    public async Task The_cache_is_per_grader_model_and_prompt_wording()
    {
        var cache = new ConcretenessCache(Path.Combine(_temp, "per-model"));
        var version = ConcretenessGrader.DefaultPrompt.Version;
        cache.Put("model-a", version, "cheese", 80);
        Assert.Equal(80, cache.TryGet("model-a", version, "cheese"));
        Assert.Null(cache.TryGet("model-b", version, "cheese"));
        Assert.Null(cache.TryGet("model-a", "other-wording", "cheese"));

        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => cache.Put("model-a", version, "cheese", i))));
        Assert.InRange(cache.TryGet("model-a", version, "cheese")!.Value, 0, 15);
        Assert.Empty(Directory.EnumerateFiles(cache.Directory, "*.tmp", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("[{\"label\": \"a\", \"justification\": \"j\", \"rating\": 70}]", 70.0)]
    [InlineData("```json\n[{\"label\": \"a\", \"rating\": \"42\"}]\n```", 42.0)]
    [InlineData("json [{\"label\": \"a\", \"rating\": 12.5}, {\"label\": 3, \"rating\": 1}, {\"rating\": 9}]", 12.5)]
    [InlineData("``` [{\"label\": \"a\", \"rating\": 5}, {\"label\": \"b\", \"rating\": \"high\"}] ```", 5.0)]
    public void Replies_parse_with_the_originals_fallbacks(string reply, double expected)
    {
        var scores = ConcretenessGrader.ParseScores(reply);
        Assert.NotNull(scores);
        Assert.Equal(expected, scores["a"]);
        Assert.False(scores.ContainsKey("b"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("I cannot rate these.")]
    [InlineData("{\"label\": \"a\", \"rating\": 5}")]
    [InlineData("[{\"label\": \"a\", \"rating\": 5}")]
    public void Unreadable_replies_parse_to_null(string reply) => Assert.Null(ConcretenessGrader.ParseScores(reply));
}
