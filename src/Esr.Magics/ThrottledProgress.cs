using System.Diagnostics;

namespace Esr.Magics;

/// <summary>
/// Reports progress on the reporting thread (not posted to a synchronization context, so the last report of a run is
/// shown before its result), at most once per <paramref name="interval"/>: each report is an event sent to the notebook.
/// </summary>
internal sealed class ThrottledProgress<T>(TimeSpan interval, Action<T> report) : IProgress<T>
{
    private readonly Stopwatch _clock = new();
    private readonly Lock _gate = new();

    public void Report(T value)
    {
        lock (_gate)
        {
            if (_clock.IsRunning && _clock.Elapsed < interval) return;
            _clock.Restart();
            report(value);
        }
    }
}
