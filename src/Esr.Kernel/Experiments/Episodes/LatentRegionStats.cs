using System.Text.Json.Nodes;
using Esr.Kernel.Analysis;

namespace Esr.Kernel.Experiments.Episodes;

/// <summary>One latent's region statistics over the episodes and its off-topic vs on-topic tests.</summary>
/// <param name="Latent">The latent.</param>
/// <param name="OffTopic">Off-topic region [off, correction).</param>
/// <param name="Correction">Correction region [correction, on).</param>
/// <param name="OnTopic">On-topic region [on, end).</param>
/// <param name="Wilcoxon">One-sided Wilcoxon (off &gt; on) on the per-episode means.</param>
/// <param name="TTest">Paired t, p halved.</param>
/// <param name="CohensD">Cohen's d off vs on (pooled, ddof 1).</param>
/// <param name="CliffsDelta">Cliff's delta off vs on.</param>
public sealed record LatentRegionStats(
    int Latent, RegionSummary OffTopic, RegionSummary Correction, RegionSummary OnTopic,
    TestResult Wilcoxon, TestResult TTest, double CohensD, double CliffsDelta)
{
    internal JsonObject ToJson() => new()
    {
        ["latent"] = Latent,
        ["off_topic"] = OffTopic.ToJson(),
        ["correction"] = Correction.ToJson(),
        ["on_topic"] = OnTopic.ToJson(),
        ["wilcoxon_stat"] = Wilcoxon.Statistic,
        ["wilcoxon_p"] = Wilcoxon.PValue,
        ["ttest_stat"] = TTest.Statistic,
        ["ttest_p"] = TTest.PValue,
        ["cohens_d"] = CohensD,
        ["cliffs_delta"] = CliffsDelta,
    };
}
