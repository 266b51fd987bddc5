using System.Text.Json.Serialization;

namespace Esr.Kernel.Experiments;

/// <summary>One latent's calibrated threshold as stored in the cache file (ESR_SPEC §4).</summary>
/// <param name="Threshold">The threshold; null is treated as missing.</param>
/// <param name="AchievedScore">The verification score at the threshold (informational).</param>
/// <param name="Config">The search settings that produced it.</param>
public sealed record ThresholdCacheEntry(
    [property: JsonPropertyName("threshold")] double? Threshold,
    [property: JsonPropertyName("achieved_score")] double? AchievedScore = null,
    [property: JsonPropertyName("config")] ThresholdCacheConfig? Config = null);

/// <summary>The search settings recorded beside a cached threshold, with the original's key names.</summary>
public sealed record ThresholdCacheConfig(
    [property: JsonPropertyName("target_score")] double TargetScore,
    [property: JsonPropertyName("n_trials")] int Trials,
    [property: JsonPropertyName("prior_mean")] double PriorMean,
    [property: JsonPropertyName("prior_std")] double PriorStd,
    [property: JsonPropertyName("lower_bound")] double LowerBound,
    [property: JsonPropertyName("upper_bound")] double UpperBound)
{
    /// <summary>The record of a search's settings.</summary>
    public static ThresholdCacheConfig From(ThresholdSearchSettings settings) =>
        new(settings.Target, settings.Trials, settings.PriorMean, settings.PriorStd, settings.Lower, settings.Upper);
}
