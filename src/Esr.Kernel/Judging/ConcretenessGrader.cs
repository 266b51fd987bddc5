using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Esr.Kernel.Judging;

/// <summary>
/// The concreteness grader of ESR_SPEC §3 step 2: rates latent labels from 0 (abstract, general) to 100 (concrete,
/// domain-specific) with a chat model, in batches of <see cref="BatchSize"/> sent in parallel, over any
/// <see cref="IChatClient"/> (the same backends as <see cref="ChatClientJudge"/>, through the same concurrency, rate
/// and time limits). Scores are cached per label in a <see cref="ConcretenessCache"/> when one is given.
/// </summary>
/// <remarks>
/// Failures never throw (only the caller's cancellation does): a batch whose call fails or whose reply does not parse
/// gives 0.0 to each of its labels, and a label missing from a parsed reply gets 0.0, as in the original. Only scores
/// the model actually gave are cached, so a re-run retries the others. Dropping <c>feature_&lt;i&gt;</c> placeholder
/// labels and applying the threshold (65) are the caller's steps.
/// </remarks>
public sealed class ConcretenessGrader : IDisposable
{
    /// <summary>The paper's grader, Claude Sonnet 4.5.</summary>
    public const string PaperModel = "claude-sonnet-4-5-20250929";

    private readonly IChatClient _client;
    private readonly bool _ownsClient;
    private readonly ChatCallGate _gate;
    private readonly ConcretenessCache? _cache;
    private readonly SecretRedactor _redactor;
    private readonly ILogger _logger;

    /// <summary>A grader over <paramref name="client"/>.</summary>
    /// <param name="client">The chat client.</param>
    /// <param name="name">The grader's name for the cache (normally the model id).</param>
    /// <param name="cache">Where scores are kept between runs; null for none.</param>
    /// <param name="prompt">The texts; <see cref="DefaultPrompt"/> when null (<see cref="JudgePrompt.Load"/> reads an override).</param>
    /// <param name="options">Limits; <see cref="JudgeClientOptions.OpenAiCompatible"/> when null. Its output cap is not used: see <see cref="MaxOutputTokens"/>.</param>
    /// <param name="modelId">A model id sent with every request, for clients without a default model.</param>
    /// <param name="logger">Where failed batches are logged.</param>
    /// <param name="ownsClient">Dispose the client with this grader.</param>
    /// <param name="time">The clock of the rate limit (tests).</param>
    public ConcretenessGrader(
        IChatClient client, string name, ConcretenessCache? cache = null, JudgePrompt? prompt = null,
        JudgeClientOptions? options = null, string? modelId = null, ILogger? logger = null, bool ownsClient = false,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _client = client;
        _ownsClient = ownsClient;
        _gate = new ChatCallGate(options ?? JudgeClientOptions.OpenAiCompatible, time);
        _cache = cache;
        _redactor = SecretRedactor.For(client);
        _logger = logger ?? NullLogger.Instance;
        Name = name;
        ModelId = modelId;
        Prompt = prompt ?? DefaultPrompt;
    }

    /// <summary>The grader's name (the cache key's model part).</summary>
    public string Name { get; }

    /// <summary>The model id sent with each request, or null to use the client's default.</summary>
    public string? ModelId { get; }

    /// <summary>The texts sent; the user message is the instructions, a blank line, then the labels as a JSON array.</summary>
    public JudgePrompt Prompt { get; }

    /// <summary>Labels per request (50 in the original).</summary>
    public int BatchSize { get; init; } = 50;

    /// <summary>The output token cap of each request (10 000 in the original).</summary>
    public int MaxOutputTokens { get; init; } = 10_000;

    /// <summary>
    /// A score for every distinct label: cached ones from the cache, the rest graded in parallel batches.
    /// </summary>
    /// <exception cref="OperationCanceledException">Only when <paramref name="cancellationToken"/> is cancelled.</exception>
    public async Task<IReadOnlyDictionary<string, double>> GradeAsync(IReadOnlyList<string> labels, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        var pending = new List<string>();
        foreach (var label in labels.Distinct(StringComparer.Ordinal))
        {
            if (_cache?.TryGet(Name, Prompt.Version, label) is { } cached) scores[label] = cached;
            else pending.Add(label);
        }
        if (BatchSize < 1) throw new InvalidOperationException($"BatchSize must be at least 1, not {BatchSize}.");
        var graded = await Task.WhenAll(pending.Chunk(BatchSize).Select(batch => GradeBatchAsync(batch, cancellationToken))).ConfigureAwait(false);
        foreach (var batch in graded)
            foreach (var (label, score) in batch) scores[label] = score;
        return scores;
    }

    /// <summary>The user message for one batch: the instructions, a blank line, the labels as a JSON array.</summary>
    public string UserMessage(IReadOnlyList<string> labels) => $"{Prompt.Instructions}\n\n{JsonSerializer.Serialize(labels)}";

    private async Task<IReadOnlyList<(string Label, double Score)>> GradeBatchAsync(string[] batch, CancellationToken cancellationToken)
    {
        List<ChatMessage> messages = [new(ChatRole.System, Prompt.System), new(ChatRole.User, UserMessage(batch))];
        var options = new ChatOptions { MaxOutputTokens = MaxOutputTokens, ModelId = ModelId };
        IReadOnlyDictionary<string, double>? given;
        try
        {
            var reply = await _gate.SendAsync(_client, messages, options, cancellationToken).ConfigureAwait(false);
            given = ParseScores(reply.Text);
            if (given is null) _logger.LogWarning("Grader {Name}: a reply for {Count} labels did not parse; they score 0", Name, batch.Length);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            _logger.LogWarning("Grader {Name}: a batch of {Count} labels failed ({Error}); they score 0",
                Name, batch.Length, _redactor.Redact($"{e.GetType().Name}: {e.Message}"));
            given = null;
        }
        var result = new List<(string, double)>(batch.Length);
        foreach (var label in batch)
        {
            if (given is not null && given.TryGetValue(label, out var score))
            {
                result.Add((label, score));
                Remember(label, score);
            }
            else
            {
                result.Add((label, 0.0));
            }
        }
        return result;
    }

    private void Remember(string label, double score)
    {
        try
        {
            _cache?.Put(Name, Prompt.Version, label, score);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written costs a later call, never this score.
        }
    }

    /// <summary>
    /// The label → rating pairs of a reply, or null when it does not parse. As in the original, surrounding backticks
    /// and a leading "json" are stripped first; the rest must be a JSON array of objects with a string <c>label</c>
    /// and a numeric (or numeric string) <c>rating</c>; other entries are skipped.
    /// </summary>
    public static IReadOnlyDictionary<string, double>? ParseScores(string? reply)
    {
        if (string.IsNullOrWhiteSpace(reply)) return null;
        var text = reply.Trim().Trim('`').Trim();
        if (text.StartsWith("json", StringComparison.OrdinalIgnoreCase)) text = text[4..].Trim();
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Array) return null;
            var scores = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var entry in document.RootElement.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object
                    || !entry.TryGetProperty("label", out var label) || label.ValueKind != JsonValueKind.String
                    || !entry.TryGetProperty("rating", out var rating) || Rating(rating) is not { } value) continue;
                scores[label.GetString()!] = value;
            }
            return scores;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static double? Rating(JsonElement rating) => rating.ValueKind switch
    {
        JsonValueKind.Number => rating.GetDouble(),
        JsonValueKind.String when double.TryParse(rating.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    /// <summary>The project's wording, with the structure ESR_SPEC §3 describes.</summary>
    public static JudgePrompt DefaultPrompt { get; } = new(
        "You rate labels of features found inside a language model by how concrete and domain-specific they are. "
        + "Answer with JSON only.",
        """
        Give each feature label below a rating from 0 to 100 for how concrete and domain-specific it is: 0 for a very abstract or general label, 100 for a very concrete label tied to a specific domain.

        Labels that describe a style of conversation rather than a topic (for example, the assistant asking for clarification or setting boundaries) should get quite low ratings.

        Answer with a JSON array only, one object per label with the keys "label" (the label exactly as given), "justification" (one short sentence) and "rating" (the number), and no other text.

        The labels:
        """);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsClient) _client.Dispose();
        _gate.Dispose();
    }
}
