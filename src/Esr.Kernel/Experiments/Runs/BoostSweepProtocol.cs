using System.Text.Json.Nodes;
using Esr.Kernel.Results;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>
/// Experiment 2 (ESR_SPEC §6): the boost sweep. Ten global levels from the threshold cache's statistics, each on 5
/// fresh prompts per latent; the 70B configuration's calibration (target 0.5, 20 steps, bounds 0-100, prior N(20, 20)),
/// 300 latents.
/// </summary>
public sealed class BoostSweepProtocol : SteeringProtocol
{
    /// <inheritdoc />
    public override string Id => "2";

    /// <inheritdoc />
    public override string Title => "Boost sweep";

    /// <inheritdoc />
    public override string Description => "Boost sweep: 10 global levels from the threshold cache (mean ± 3 population SD, clamped at 0) on 5 prompts per latent";

    /// <inheritdoc />
    public override IReadOnlyList<string> Figures => ["3"];

    /// <inheritdoc />
    public override string Condition => "boost_sweep";

    /// <inheritdoc />
    public override bool NeedsSourceThresholds => true;

    /// <inheritdoc />
    public override bool ReusesSourcePrompts => false;

    /// <inheritdoc />
    public override ExperimentSettings Defaults(ExperimentSettings basis, PaperConfiguration? paper) => basis with
    {
        BoostLevelCount = 10, NFeatures = 300,
        Calibration = basis.Calibration with { Target = 0.5, Trials = 20, Lower = 0, Upper = 100, PriorMean = 20, PriorStd = 20 },
    };

    /// <inheritdoc />
    public override string PaperFileName(string model, string stamp, string condition) => $"experiment_multi_boost_{model}_{stamp}";

    /// <inheritdoc />
    public override void AddPaperFields(JsonObject config, JsonObject extras, RunManifest manifest, ExperimentSettings settings, string condition)
    {
        ArgumentNullException.ThrowIfNull(extras);
        ArgumentNullException.ThrowIfNull(manifest);
        extras["boost_levels"] = new JsonArray((manifest.BoostLevels ?? []).Select(l => (JsonNode?)l).ToArray());
        extras["threshold_cache_stats"] = manifest.ThresholdCacheStats is { } stats
            ? new JsonObject { ["mean"] = stats.Mean, ["std"] = stats.Std }
            : null;
    }
}
