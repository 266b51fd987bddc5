using Esr.Kernel.Results;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>
/// Exp 2's global boost levels (ESR_SPEC §6 Exp 2, §11 quirk 9): μ and the population SD σ of every threshold in the
/// cache, n evenly spaced levels from μ − kσ to μ + kσ, each clamped at 0 (clamped levels collapse onto 0.0).
/// </summary>
public static class BoostSweep
{
    /// <summary>The levels and the statistics they came from.</summary>
    /// <exception cref="ArgumentException">No thresholds (Exp 2 needs an existing cache) or fewer than 2 levels.</exception>
    public static (IReadOnlyList<double> Levels, ThresholdCacheStats Stats) Levels(IReadOnlyCollection<double> thresholds, int count, double rangeStd)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        if (thresholds.Count == 0) throw new ArgumentException("the boost sweep needs a threshold cache with at least one threshold (run experiment 1 first)");
        if (count < 2) throw new ArgumentException($"the boost sweep needs at least 2 levels, not {count}");
        var mean = thresholds.Average();
        var std = Math.Sqrt(thresholds.Sum(t => (t - mean) * (t - mean)) / thresholds.Count);
        var low = mean - rangeStd * std;
        var step = 2 * rangeStd * std / (count - 1);
        // As numpy's linspace: the last level is exactly the upper end.
        var levels = Enumerable.Range(0, count).Select(i => Math.Max(0, i == count - 1 ? mean + rangeStd * std : low + i * step)).ToArray();
        return (levels, new ThresholdCacheStats(mean, std));
    }
}
