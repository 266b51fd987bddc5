using System.Text.Json.Nodes;
using Esr.Kernel.Analysis;

namespace Esr.Kernel.Experiments.Episodes;

/// <summary>A latent group's statistics over the latent-level region means (ESR_SPEC §7.2 step 5).</summary>
/// <param name="LatentCount">The size of the group's full latent list.</param>
/// <param name="LatentsWithStats">The latents that produced statistics.</param>
/// <param name="OffTopicMean">Mean across latents of their off-topic means.</param>
/// <param name="OffTopicSd">Population SD across latents.</param>
/// <param name="CorrectionMean">Mean across latents of their correction means (latents without any left out).</param>
/// <param name="CorrectionSd">Population SD.</param>
/// <param name="OnTopicMean">Mean across latents of their on-topic means.</param>
/// <param name="OnTopicSd">Population SD.</param>
/// <param name="Wilcoxon">One-sided Wilcoxon on the latent-level off vs on means.</param>
/// <param name="TTest">Paired t (p halved) on them.</param>
/// <param name="CohensD">Cohen's d on them.</param>
public sealed record GroupRegionStats(
    int LatentCount, int LatentsWithStats, double OffTopicMean, double OffTopicSd, double CorrectionMean, double CorrectionSd,
    double OnTopicMean, double OnTopicSd, TestResult Wilcoxon, TestResult TTest, double CohensD)
{
    internal JsonObject ToJson() => new()
    {
        ["n_latents"] = LatentCount,
        ["n_latents_with_stats"] = LatentsWithStats,
        ["off_topic_mean"] = OffTopicMean,
        ["off_topic_std"] = OffTopicSd,
        ["correction_mean"] = CorrectionMean,
        ["correction_std"] = CorrectionSd,
        ["on_topic_mean"] = OnTopicMean,
        ["on_topic_std"] = OnTopicSd,
        ["wilcoxon_stat"] = Wilcoxon.Statistic,
        ["wilcoxon_p"] = Wilcoxon.PValue,
        ["ttest_stat"] = TTest.Statistic,
        ["ttest_p"] = TTest.PValue,
        ["cohens_d"] = CohensD,
    };
}
