namespace Esr.Kernel.Analysis.Figures;

/// <summary>
/// Figure A.16 (Exp 9) input: OTD group means in the self-correction episodes' off-topic and on-topic regions (mean
/// and SD across latents) and in the no-self-correction baseline (mean and SD across episodes), with the tests the
/// sidecar reports (computed by the Exp-9 analysis).
/// </summary>
/// <param name="OffTopicMean">Group mean, off-topic region.</param>
/// <param name="OffTopicSd">Its SD across latents.</param>
/// <param name="OnTopicMean">Group mean, on-topic region after the correction.</param>
/// <param name="OnTopicSd">Its SD across latents.</param>
/// <param name="BaselineMean">Baseline episodes' OTD mean.</param>
/// <param name="BaselineSd">Its SD across episodes.</param>
/// <param name="WilcoxonP">One-sided Wilcoxon p of off vs on, if computed.</param>
/// <param name="CohensD">Cohen's d of off vs on, if computed.</param>
public sealed record RegionComparison(
    double OffTopicMean,
    double OffTopicSd,
    double OnTopicMean,
    double OnTopicSd,
    double BaselineMean,
    double BaselineSd,
    double? WilcoxonP = null,
    double? CohensD = null)
{
    /// <summary>Off-topic mean over the baseline mean (4.4× in the paper).</summary>
    public double OffTopicRatio => OffTopicMean / BaselineMean;

    /// <summary>On-topic mean over the baseline mean (2.1× in the paper).</summary>
    public double OnTopicRatio => OnTopicMean / BaselineMean;
}
