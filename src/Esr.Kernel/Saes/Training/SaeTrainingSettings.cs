namespace Esr.Kernel.Saes.Training;

/// <summary>How an SAE is trained on residual-stream activations: ReLU with an L1 penalty, or TopK.</summary>
/// <param name="Latents">d_sae.</param>
/// <param name="L1Coefficient">λ in ‖x − x̂‖² + λ·Σf, on inputs scaled so that E‖x‖² = 1 and a unit-norm decoder.</param>
/// <param name="Steps">Adam steps.</param>
/// <param name="BatchSize">Activations per step, drawn with replacement by a generator seeded with <paramref name="Seed"/>.</param>
/// <param name="LearningRate">Adam's learning rate (constant after a short warmup, decayed linearly over the last fifth).</param>
/// <param name="Seed">Seeds the initialisation and the batch order.</param>
/// <param name="LogEvery">A loss is reported every this many steps (and at the last).</param>
/// <param name="TopK">When set, a TopK SAE: the k largest pre-activations of each token stay (ReLU'd), the rest are
/// 0, and the L1 penalty is not used; latents silent for a while are pulled back by an auxiliary loss (AuxK).</param>
public sealed record SaeTrainingSettings(int Latents, double L1Coefficient, int Steps, int BatchSize, double LearningRate, int Seed, int LogEvery = 200, int? TopK = null)
{
    /// <summary>The learning rate at a step: 5 % linear warmup, flat, then linear decay to zero over the last 20 %.</summary>
    public double LearningRateAt(int step)
    {
        var warmup = Math.Max(1, Steps / 20);
        var decayStart = Steps - Steps / 5;
        if (step < warmup) return LearningRate * (step + 1) / warmup;
        if (step < decayStart) return LearningRate;
        return LearningRate * (Steps - step) / Math.Max(1, Steps - decayStart);
    }
}
