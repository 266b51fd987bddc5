using System.Text.Json.Nodes;
using Esr.Kernel.Analysis;

namespace Esr.Kernel.Experiments.Episodes;

/// <summary>A latent's per-episode region means summarised (ESR_SPEC §7.2 step 5).</summary>
/// <param name="Mean">Mean over episodes (NaN for none).</param>
/// <param name="Sd">Population SD.</param>
/// <param name="Median">Median.</param>
/// <param name="Episodes">Episodes whose region was not empty.</param>
/// <param name="EpisodesAbove">Episodes whose region mean exceeds <see cref="ActiveThreshold"/>.</param>
public sealed record RegionSummary(double Mean, double Sd, double Median, int Episodes, int EpisodesAbove)
{
    /// <summary>A region mean above this counts as active (0.01).</summary>
    public const double ActiveThreshold = 0.01;

    /// <summary>Share of episodes above the threshold, in percent (NaN for none).</summary>
    public double PercentAbove => Episodes == 0 ? double.NaN : 100.0 * EpisodesAbove / Episodes;

    /// <summary>Summarises per-episode region means.</summary>
    public static RegionSummary Of(IReadOnlyList<double> values) => new(
        values.Count == 0 ? double.NaN : values.Average(), PairedTests.PopulationSd(values), PairedTests.Median(values),
        values.Count, values.Count(v => v > ActiveThreshold));

    internal JsonObject ToJson() => new()
    {
        ["mean"] = Mean,
        ["std"] = Sd,
        ["median"] = Median,
        ["n_episodes"] = Episodes,
        ["n_above_0.01"] = EpisodesAbove,
        ["pct_above_0.01"] = PercentAbove,
    };
}
