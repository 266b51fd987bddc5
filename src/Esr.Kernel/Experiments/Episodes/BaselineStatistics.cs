using System.Text.Json.Nodes;
using Esr.Kernel.Analysis;
using Esr.Kernel.Results;

namespace Esr.Kernel.Experiments.Episodes;

/// <summary>
/// The no-self-correction baseline (ESR_SPEC §7.2 step 6): per episode, the mean over a group's latents of each
/// latent's mean activation from the response start to the end; across episodes, mean and population SD.
/// </summary>
/// <param name="OffTopicDetectorMeans">Per episode, the OTD group's mean.</param>
/// <param name="BacktrackingMeans">Per episode, the backtracking group's mean.</param>
public sealed record BaselineStatistics(IReadOnlyList<double> OffTopicDetectorMeans, IReadOnlyList<double> BacktrackingMeans)
{
    /// <summary>Computes the per-episode means.</summary>
    public static BaselineStatistics Of(IReadOnlyList<EpisodeActivations> episodes, IReadOnlyList<int> offTopicDetectors, IReadOnlyList<int> backtracking)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        return new(episodes.Select(e => ResponseMean(e, offTopicDetectors)).ToList(), episodes.Select(e => ResponseMean(e, backtracking)).ToList());
    }

    /// <summary>The paper's <c>baseline_stats.json</c>.</summary>
    public JsonObject ToJson() => new()
    {
        ["n_episodes"] = OffTopicDetectorMeans.Count,
        ["otd_mean"] = Mean(OffTopicDetectorMeans),
        ["otd_std"] = PairedTests.PopulationSd(OffTopicDetectorMeans),
        ["bt_mean"] = Mean(BacktrackingMeans),
        ["bt_std"] = PairedTests.PopulationSd(BacktrackingMeans),
        ["otd_means"] = JsonResultFile.Numbers(OffTopicDetectorMeans),
        ["bt_means"] = JsonResultFile.Numbers(BacktrackingMeans),
    };

    private static double ResponseMean(EpisodeActivations episode, IReadOnlyList<int> latents)
    {
        int start = episode.ResponseStartToken, count = episode.Length - start;
        if (count <= 0 || latents.Count == 0) return double.NaN;
        return latents.Average(l => episode.Activations[l].Skip(start).Average(v => (double)v));
    }

    private static double Mean(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : values.Average();
}
