using System.Text.Json.Serialization;

namespace Esr.Kernel.Experiments;

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
