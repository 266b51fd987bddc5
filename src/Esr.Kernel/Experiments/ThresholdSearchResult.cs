namespace Esr.Kernel.Experiments;

/// <summary>What a threshold search found and what it cost.</summary>
/// <param name="Threshold">The posterior median after the last step, unrounded.</param>
/// <param name="Steps">Every update in order.</param>
/// <param name="EmptyRetries">Regenerations because the judge found no attempt (unbounded and silent in the original).</param>
/// <param name="JudgeErrors">Judge failures that were retried.</param>
public sealed record ThresholdSearchResult(double Threshold, IReadOnlyList<BisectionStep> Steps, int EmptyRetries, int JudgeErrors)
{
    /// <summary>The threshold rounded to two decimals, as the original stores it.</summary>
    public double Rounded => Math.Round(Threshold, 2, MidpointRounding.ToEven);
}
