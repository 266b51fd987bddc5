using System.Globalization;
using System.Text.Json.Nodes;
using Esr.Kernel.Analysis;
using Microsoft.Data.Analysis;

namespace Esr.Kernel.Experiments.Episodes;

/// <summary>
/// Region statistics (ESR_SPEC §7.2 step 5): per episode, a latent's mean activation over the off-topic
/// [off, correction), correction [correction, on) and on-topic [on, end) token ranges (end includes the final
/// end-of-turn token; a range with a negative bound or start ≥ end is empty and skipped); per latent the summaries
/// and off-vs-on tests; per group the same over the latent-level means.
/// </summary>
public static class RegionStatistics
{
    /// <summary>A latent needs at least this many off-topic and on-topic episode values.</summary>
    public const int MinimumEpisodes = 2;

    /// <summary>The latent's statistics, or null when it has fewer than 2 off-topic or on-topic episode values.</summary>
    public static LatentRegionStats? ForLatent(IReadOnlyList<EpisodeActivations> episodes, int latent, WilcoxonMethod wilcoxon = WilcoxonMethod.ExactOrNormal)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        List<double> off = [], correction = [], on = [];
        foreach (var e in episodes)
        {
            var values = e.Activations[latent];
            AddMean(off, values, e.OffTopicToken, e.CorrectionToken);
            AddMean(correction, values, e.CorrectionToken, e.OnTopicToken);
            AddMean(on, values, e.OnTopicToken, e.Length);
        }
        if (off.Count < MinimumEpisodes || on.Count < MinimumEpisodes) return null;
        return new LatentRegionStats(
            latent, RegionSummary.Of(off), RegionSummary.Of(correction), RegionSummary.Of(on),
            PairedTests.WilcoxonGreater(off, on, wilcoxon), PairedTests.PairedTOneTailed(off, on), PairedTests.CohensD(off, on), PairedTests.CliffsDelta(off, on));
    }

    /// <summary>The group's statistics and those of each of its latents that produced some.</summary>
    public static (GroupRegionStats Group, IReadOnlyList<LatentRegionStats> Latents) ForGroup(
        IReadOnlyList<EpisodeActivations> episodes, IReadOnlyList<int> latents, WilcoxonMethod wilcoxon = WilcoxonMethod.ExactOrNormal)
    {
        ArgumentNullException.ThrowIfNull(latents);
        var stats = latents.Select(l => ForLatent(episodes, l, wilcoxon)).OfType<LatentRegionStats>().ToList();
        var off = stats.Select(s => s.OffTopic.Mean).ToList();
        var on = stats.Select(s => s.OnTopic.Mean).ToList();
        var correction = stats.Select(s => s.Correction.Mean).Where(double.IsFinite).ToList();
        var group = new GroupRegionStats(
            latents.Count, stats.Count,
            Mean(off), PairedTests.PopulationSd(off), Mean(correction), PairedTests.PopulationSd(correction), Mean(on), PairedTests.PopulationSd(on),
            PairedTests.WilcoxonGreater(off, on, wilcoxon), PairedTests.PairedTOneTailed(off, on), PairedTests.CohensD(off, on));
        return (group, stats);
    }

    /// <summary>The paper's <c>analysis_results.json</c>.</summary>
    public static JsonObject AnalysisJson(
        int episodeCount, (GroupRegionStats Group, IReadOnlyList<LatentRegionStats> Latents) offTopicDetectors,
        (GroupRegionStats Group, IReadOnlyList<LatentRegionStats> Latents) backtracking) => new()
    {
        ["n_episodes"] = episodeCount,
        ["otd_group"] = offTopicDetectors.Group.ToJson(),
        ["backtracking_group"] = backtracking.Group.ToJson(),
        ["otd_latent_stats"] = ByLatent(offTopicDetectors.Latents),
        ["backtracking_latent_stats"] = ByLatent(backtracking.Latents),
    };

    /// <summary>One row per latent (the per-OTD and per-backtracking tables), with its label when known.</summary>
    public static DataFrame Table(IReadOnlyList<LatentRegionStats> stats, Func<int, string>? label = null) => new(
        new Int32DataFrameColumn("latent", stats.Select(s => s.Latent)),
        new StringDataFrameColumn("label", stats.Select(s => label?.Invoke(s.Latent) ?? "")),
        new DoubleDataFrameColumn("off_topic_mean", stats.Select(s => s.OffTopic.Mean)),
        new DoubleDataFrameColumn("correction_mean", stats.Select(s => s.Correction.Mean)),
        new DoubleDataFrameColumn("on_topic_mean", stats.Select(s => s.OnTopic.Mean)),
        new DoubleDataFrameColumn("wilcoxon_p", stats.Select(s => s.Wilcoxon.PValue)),
        new DoubleDataFrameColumn("ttest_p", stats.Select(s => s.TTest.PValue)),
        new DoubleDataFrameColumn("cohens_d", stats.Select(s => s.CohensD)),
        new DoubleDataFrameColumn("cliffs_delta", stats.Select(s => s.CliffsDelta)));

    private static JsonObject ByLatent(IReadOnlyList<LatentRegionStats> stats) =>
        new(stats.Select(s => KeyValuePair.Create(s.Latent.ToString(CultureInfo.InvariantCulture), (JsonNode?)s.ToJson())));

    private static void AddMean(List<double> into, float[] values, int start, int end)
    {
        if (start < 0 || end < 0 || start >= end) return;
        double sum = 0;
        for (int t = start; t < end; t++) sum += values[t];
        into.Add(sum / (end - start));
    }

    private static double Mean(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : values.Average();
}
