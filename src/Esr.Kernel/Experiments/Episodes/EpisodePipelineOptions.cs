using Esr.Kernel.Analysis;
using Esr.Kernel.Experiments.Detectors;

namespace Esr.Kernel.Experiments.Episodes;

/// <summary>Settings of the Experiment 9 episode pipeline (ESR_SPEC §7.2).</summary>
public sealed record EpisodePipelineOptions
{
    /// <summary>The off-topic detectors (the paper's 26).</summary>
    public IReadOnlyList<int> OffTopicDetectors { get; init; } = OffTopicDetectorSets.Paper26;

    /// <summary>The backtracking latents (the paper's fixed 16).</summary>
    public IReadOnlyList<int> BacktrackingLatents { get; init; } = BacktrackingKeywords.PaperLatents;

    /// <summary>[QUIRK] Episodes include trials of ablation runs, as the paper's do; false leaves them out.</summary>
    public bool IncludeAblationTrials { get; init; } = true;

    /// <summary>[QUIRK] How character boundaries become tokens; the paper's rule lands ≈17 characters early.</summary>
    public BoundaryMapping Mapping { get; init; } = BoundaryMapping.Paper;

    /// <summary>Which null distribution the Wilcoxon p-values use (SciPy's, whose small-sample rule changed over releases).</summary>
    public WilcoxonMethod Wilcoxon { get; init; } = WilcoxonMethod.ExactOrNormal;

    /// <summary>Baseline episodes drawn (50).</summary>
    public int BaselineLimit { get; init; } = 50;

    /// <summary>Seed of the baseline draw (42).</summary>
    public int BaselineSeed { get; init; } = 42;

    /// <summary>Lowest single-attempt score of a baseline episode (50).</summary>
    public double BaselineMinimumScore { get; init; } = 50;

    /// <summary>Tokens before the correction in the aligned overlay (150).</summary>
    public int WindowBefore { get; init; } = 150;

    /// <summary>Tokens from the correction on in the aligned overlay (150).</summary>
    public int WindowAfter { get; init; } = 150;
}
