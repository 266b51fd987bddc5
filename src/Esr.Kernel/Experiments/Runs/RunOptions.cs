namespace Esr.Kernel.Experiments.Runs;

/// <summary>How a run is executed, as opposed to what it computes: none of this is in the manifest.</summary>
/// <param name="ThresholdCachePath">The threshold cache file (per model; <c>_with_ablation</c> for ablation runs).</param>
/// <param name="BatchSize">Generations per batch (rows of many latents and boosts together).</param>
/// <param name="JudgeConcurrency">Judge calls in flight at once, overlapping generation.</param>
/// <param name="Shard">The slice of latents to run, null for all.</param>
/// <param name="CalibrationConcurrency">Latents calibrating at once (their generations share batches), as the paper's
/// n_simultaneous_features kept several latents in flight.</param>
public sealed record RunOptions(string ThresholdCachePath, int BatchSize = 16, int JudgeConcurrency = 8, ShardSpec? Shard = null, int CalibrationConcurrency = 8);
