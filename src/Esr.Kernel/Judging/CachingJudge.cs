namespace Esr.Kernel.Judging;

/// <summary>
/// A judge that answers from a <see cref="JudgeCache"/> when it can and asks the inner judge otherwise, storing
/// successful verdicts; re-running a notebook over the same trials costs no API calls.
/// </summary>
public sealed class CachingJudge(IJudge inner, JudgeCache cache) : IJudge
{
    private int _hits;
    private int _misses;

    /// <inheritdoc />
    public string Name => inner.Name;

    /// <inheritdoc />
    public JudgePrompt Prompt => inner.Prompt;

    /// <summary>Verdicts served from the cache so far.</summary>
    public int Hits => Volatile.Read(ref _hits);

    /// <summary>Verdicts that needed the inner judge so far.</summary>
    public int Misses => Volatile.Read(ref _misses);

    /// <inheritdoc />
    public async Task<JudgeVerdict> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var version = inner.Prompt.Version;
        if (cache.TryGet(inner.Name, version, request) is { } cached)
        {
            Interlocked.Increment(ref _hits);
            return cached;
        }
        Interlocked.Increment(ref _misses);
        var verdict = await inner.JudgeAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            cache.Put(inner.Name, version, request, verdict);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written costs a later call, never this verdict.
        }
        return verdict;
    }
}
