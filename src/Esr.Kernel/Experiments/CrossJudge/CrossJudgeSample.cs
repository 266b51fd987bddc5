namespace Esr.Kernel.Experiments.CrossJudge;

/// <summary>The trials Experiment 7 regrades, and how they were chosen.</summary>
/// <param name="Trials">The chosen trials: first every multi-attempt one, then the per-model and overall top-ups.</param>
/// <param name="Options">The sampling options used.</param>
public sealed record CrossJudgeSample(IReadOnlyList<SampledTrial> Trials, CrossJudgeSamplingOptions Options)
{
    /// <summary>How many chosen trials had more than one attempt in their original grade.</summary>
    public int SelfCorrectionCount => Trials.Count(t => t.HasSelfCorrection);

    /// <summary>The target models, in ordinal order.</summary>
    public IReadOnlyList<string> Models => Trials.Select(t => t.TargetModel).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Chosen trials per source file ("" for trials of this workbench's own runs).</summary>
    public IReadOnlyDictionary<string, int> SourceFiles =>
        Trials.GroupBy(t => t.Trial.SourceFile ?? "").OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
}
