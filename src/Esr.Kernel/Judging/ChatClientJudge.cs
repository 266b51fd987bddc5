using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Esr.Kernel.Judging;

/// <summary>
/// A judge over any Microsoft.Extensions.AI <see cref="IChatClient"/>: sends <see cref="JudgePrompt"/>'s system and
/// user messages, reads the reply with <see cref="JudgeReplyParser"/>, and turns every failure into an error verdict.
/// </summary>
/// <remarks>
/// This class bounds concurrency (a semaphore), spaces call starts (a client-side rate limit) and caps the whole call
/// (retries included). Retries with exponential backoff on 429, 5xx and timeouts, honouring Retry-After, and the
/// per-request timeout run one level down, in the HttpClient pipeline built by <see cref="JudgeHttpResilience"/>
/// with Polly 8 rather than in a hand-written loop here: only the HTTP layer sees status codes and Retry-After
/// uniformly across SDKs, and Polly's strategies are Microsoft's maintained resilience stack.
/// An unreadable reply is not retried: as in ESR_SPEC §2.3 it is stored as an errored trial. Error messages pass
/// through the client's <see cref="SecretRedactor"/> (<see cref="SecretRedactor.For"/>), so an error body that echoes
/// the key is stored without it.
/// </remarks>
public sealed class ChatClientJudge : IJudge, IDisposable
{
    private readonly IChatClient _client;
    private readonly bool _ownsClient;
    private readonly JudgeClientOptions _options;
    private readonly ChatCallGate _gate;
    private readonly SecretRedactor _redactor;
    private readonly ILogger _logger;

    /// <summary>A judge over <paramref name="client"/>.</summary>
    /// <param name="client">The chat client; its model id is fixed by the client or by <paramref name="modelId"/>.</param>
    /// <param name="name">The judge's name for caches and result folders (normally the model id).</param>
    /// <param name="options">Limits; <see cref="JudgeClientOptions.OpenAiCompatible"/> when null.</param>
    /// <param name="prompt">The prompt texts; <see cref="JudgePrompt.Default"/> when null.</param>
    /// <param name="modelId">A model id sent with every request, for clients without a default model.</param>
    /// <param name="logger">Where failures are logged (never with keys).</param>
    /// <param name="ownsClient">Dispose the client with this judge.</param>
    /// <param name="time">The clock of the rate limit (tests).</param>
    public ChatClientJudge(
        IChatClient client, string name, JudgeClientOptions? options = null, JudgePrompt? prompt = null,
        string? modelId = null, ILogger? logger = null, bool ownsClient = false, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _client = client;
        _ownsClient = ownsClient;
        _options = options ?? JudgeClientOptions.OpenAiCompatible;
        Name = name;
        ModelId = modelId;
        Prompt = prompt ?? JudgePrompt.Default;
        _gate = new ChatCallGate(_options, time);
        _redactor = SecretRedactor.For(client);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The model id sent with each request, or null to use the client's default.</summary>
    public string? ModelId { get; }

    /// <inheritdoc />
    public JudgePrompt Prompt { get; }

    /// <inheritdoc />
    public async Task<JudgeVerdict> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        List<ChatMessage> messages =
        [
            new(ChatRole.System, Prompt.System),
            new(ChatRole.User, Prompt.UserMessage(request)),
        ];
        var chatOptions = new ChatOptions { MaxOutputTokens = _options.MaxOutputTokens, ModelId = ModelId };

        string text;
        try
        {
            text = (await _gate.SendAsync(_client, messages, chatOptions, cancellationToken).ConfigureAwait(false)).Text;
        }
        catch (ChatCallGate.BudgetExceededException e)
        {
            return Fail(null, "TimeoutError", e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (Cause<JudgeReplyTooLargeException>(e) is { } tooLarge)
        {
            return Fail(null, JudgeReplyLimit.ErrorType, tooLarge.Message);
        }
        catch (Exception e)
        {
            return Fail(null, e.GetType().Name, e.Message);
        }
        var verdict = JudgeReplyParser.Parse(text);
        if (!verdict.Succeeded) _logger.LogWarning("Judge {Name} reply unreadable: {Error}", Name, verdict.Error);
        return verdict;
    }

    // An SDK may wrap what the HTTP layer threw.
    private static T? Cause<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
            if (e is T found) return found;
        return null;
    }

    private JudgeVerdict Fail(string? raw, string type, string message)
    {
        message = _redactor.Redact(message);
        _logger.LogWarning("Judge {Name} failed: {Type}: {Message}", Name, type, message);
        return JudgeVerdict.Failed(raw, type, message);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsClient) _client.Dispose();
        _gate.Dispose();
    }
}
