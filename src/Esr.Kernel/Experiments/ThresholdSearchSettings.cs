namespace Esr.Kernel.Experiments;

/// <summary>Parameters of the per-latent threshold search (ESR_SPEC §4).</summary>
/// <param name="Target">The first-attempt score (0-1) the threshold should give on average.</param>
/// <param name="Trials">Bisection steps.</param>
/// <param name="Lower">Lowest boost on the grid.</param>
/// <param name="Upper">Highest boost on the grid.</param>
/// <param name="PriorMean">Mean of the Gaussian prior over the threshold.</param>
/// <param name="PriorStd">Standard deviation of the prior.</param>
/// <param name="SamplesPerTrial">Scored generations averaged per step (5 for Llama-70B, 1 elsewhere).</param>
/// <param name="GridSize">Grid points; 10,000 in the original.</param>
/// <param name="ObservationWeight">w in α = 0.5 + w·s, β = 0.5 + w·(1 − s); 5 in the original.</param>
/// <param name="MaxJudgeErrors">Judge failures allowed per sample; reaching it fails the latent (3, as the original).</param>
/// <param name="MaxEmptyRetries">
/// Regenerations allowed per sample when the judge finds no attempt. The original retried without limit;
/// here the search fails, with the count reported, once this is exceeded.
/// </param>
public sealed record ThresholdSearchSettings(
    double Target = 0.5,
    int Trials = 20,
    double Lower = 0,
    double Upper = 5,
    double PriorMean = 1,
    double PriorStd = 0.34,
    int SamplesPerTrial = 1,
    int GridSize = 10_000,
    double ObservationWeight = 5,
    int MaxJudgeErrors = 3,
    int MaxEmptyRetries = 10)
{
    /// <summary>The Exp-1 settings for Llama-3.3-70B.</summary>
    public static ThresholdSearchSettings Llama70B { get; } = new(0.3, 10, 0, 100, 7, 5, SamplesPerTrial: 5);

    /// <summary>The Exp-1 settings for Llama-3.1-8B and its fine-tuned variants.</summary>
    public static ThresholdSearchSettings Llama8B { get; } = new(0.3, 10, 0, 50, 10, 10);

    /// <summary>The Exp-1 settings for Gemma-2-2B.</summary>
    public static ThresholdSearchSettings Gemma2B { get; } = new(0.3, 10, 0, 300, 150, 75);

    /// <summary>The Exp-1 settings for Gemma-2-9B.</summary>
    public static ThresholdSearchSettings Gemma9B { get; } = new(0.3, 10, 0, 560, 280, 280);

    /// <summary>The Exp-1 settings for Gemma-2-27B.</summary>
    public static ThresholdSearchSettings Gemma27B { get; } = new(0.3, 10, 0, 5000, 1500, 1500);
}
