using System.Diagnostics;
using System.Globalization;
using Esr.Kernel.Experiments.Runs;

namespace Esr.Cli;

/// <summary>A run's progress as lines on stderr, at most one every two seconds plus the last.</summary>
internal sealed class StderrProgress : IProgress<RunProgress>
{
    private readonly Stopwatch _since = Stopwatch.StartNew();
    private TimeSpan _last = TimeSpan.FromSeconds(-10);

    public void Report(RunProgress value)
    {
        lock (_since)
        {
            if (_since.Elapsed - _last < TimeSpan.FromSeconds(2) && value.Done < value.Total) return;
            _last = _since.Elapsed;
            var eta = value.Eta is { } left ? $", ETA {left:hh\\:mm\\:ss}" : "";
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"esr: {value.Done}/{value.Total} trials, {value.TrialsPerMinute:0.0}/min{eta} ({value.Phase})"));
        }
    }
}
