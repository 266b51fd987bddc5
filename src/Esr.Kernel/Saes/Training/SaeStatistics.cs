namespace Esr.Kernel.Saes.Training;

/// <summary>How well an SAE reconstructs a set of activations.</summary>
/// <param name="FractionOfVarianceUnexplained">Σ‖x − x̂‖² / Σ‖x − mean(x)‖².</param>
/// <param name="MeanL0">Mean number of active latents per token.</param>
/// <param name="DeadLatents">Latents that never fire on the set.</param>
/// <param name="Tokens">Activations in the set.</param>
public sealed record SaeStatistics(double FractionOfVarianceUnexplained, double MeanL0, int DeadLatents, int Tokens);
