namespace Esr.Kernel.Judging;

/// <summary>
/// How a judge talks to its API: how many calls at once, how fast, how long each may take, how often a transient
/// failure is retried. The defaults follow ESR_SPEC §2.3 (4096 output tokens, 120 s per request, 50 concurrent calls).
/// </summary>
public sealed record JudgeClientOptions
{
    /// <summary>Calls in flight at once for one judge.</summary>
    public int MaxConcurrency { get; init; } = 50;

    /// <summary>Calls started per second at most; zero or less means no limit. Anthropic's factory uses 3.</summary>
    public double MaxCallsPerSecond { get; init; }

    /// <summary>How long one HTTP attempt may take before it counts as a timeout (and is retried).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Retries after the first attempt on 429, 5xx, connection failures and timeouts.</summary>
    public int MaxRetries { get; init; } = 4;

    /// <summary>The first backoff delay; it doubles on each retry (with jitter) unless the server sends Retry-After.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest single wait, whether computed or asked for by a Retry-After header.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The output token cap sent with every request; the temperature is left at the provider's default.</summary>
    public int MaxOutputTokens { get; init; } = 4096;

    /// <summary>The whole budget of one judge call, retries and waits included.</summary>
    public TimeSpan TotalTimeout =>
        RequestTimeout * (MaxRetries + 1) + RetryMaxDelay * MaxRetries;

    /// <summary>Defaults for Anthropic: ESR_SPEC §2.3's client-side limit of 3 calls per second.</summary>
    public static JudgeClientOptions Anthropic { get; } = new() { MaxCallsPerSecond = 3 };

    /// <summary>Defaults for a model run by this engine (<see cref="LocalChatClient"/>): one call at a time, no retries.</summary>
    public static JudgeClientOptions Local { get; } = new() { MaxConcurrency = 1, MaxRetries = 0, RequestTimeout = TimeSpan.FromHours(1) };

    /// <summary>Defaults for OpenAI-compatible endpoints: 50 concurrent calls, no rate limit.</summary>
    public static JudgeClientOptions OpenAiCompatible { get; } = new();
}
