namespace Esr.Kernel.Analysis.Figures;

/// <summary>The threshold-cache statistics that put Figure-3 boosts in standard deviations from the mean.</summary>
/// <param name="Mean">μ: mean of the cached thresholds.</param>
/// <param name="StandardDeviation">σ: their population standard deviation.</param>
public sealed record BoostNormalization(double Mean, double StandardDeviation)
{
    /// <summary>(boost − μ)/σ.</summary>
    public double Normalize(double boost) => (boost - Mean) / StandardDeviation;

    /// <summary>The average of several files' statistics (μ̄, σ̄), as Figure 3 pools files.</summary>
    public static BoostNormalization Average(IEnumerable<BoostNormalization> files)
    {
        var list = files.ToList();
        if (list.Count == 0) throw new ArgumentException("No statistics to average.", nameof(files));
        return new(list.Average(s => s.Mean), list.Average(s => s.StandardDeviation));
    }
}
