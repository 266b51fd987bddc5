using System.Text.Json.Nodes;

namespace Esr.Kernel.Results;

/// <summary>
/// The content of one of the paper's result files (ESR_SPEC §5): its <c>experiment_config</c>, the trials as
/// records, and the top-level extras (<c>boost_levels</c>, <c>threshold_cache_stats</c>, <c>ablated_latents</c>,
/// <c>experiment_metadata</c>, ...), kept as JSON.
/// </summary>
/// <param name="ExperimentConfig">The <c>experiment_config</c> object.</param>
/// <param name="Trials">The trials, feature by feature in file order.</param>
/// <param name="Extras">Top-level fields other than <c>experiment_config</c> and <c>results_by_feature</c>.</param>
public sealed record PaperResults(JsonObject ExperimentConfig, IReadOnlyList<TrialRecord> Trials, JsonObject Extras);
