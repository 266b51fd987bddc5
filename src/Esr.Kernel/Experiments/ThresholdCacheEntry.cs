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
