namespace Esr.Kernel.Judging;

/// <summary>Spaces call starts at least 1/rate apart, across all callers (a global lock, as the original's).</summary>
internal sealed class RateGate(double callsPerSecond, TimeProvider time)
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly TimeSpan _interval = callsPerSecond > 0 ? TimeSpan.FromSeconds(1 / callsPerSecond) : TimeSpan.Zero;
    private DateTimeOffset _next = DateTimeOffset.MinValue;

    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        if (_interval <= TimeSpan.Zero) return;
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            if (_next > now) await Task.Delay(_next - now, time, cancellationToken).ConfigureAwait(false);
            _next = (_next > now ? _next : now) + _interval;
        }
        finally
        {
            _lock.Release();
        }
    }
}
