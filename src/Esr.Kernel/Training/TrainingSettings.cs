namespace Esr.Kernel.Training;

/// <summary>How a language model is trained: AdamW with linear warmup then cosine decay, gradient clipping.</summary>
/// <param name="Steps">Optimiser steps.</param>
/// <param name="BatchSize">Sequences per step, drawn with replacement by a generator seeded with <paramref name="Seed"/>.</param>
/// <param name="LearningRate">Peak learning rate, reached after the warmup.</param>
/// <param name="WarmupSteps">Steps of linear warmup from zero.</param>
/// <param name="Seed">Seeds the batch order.</param>
/// <param name="FinalLearningRateFraction">The cosine decays to this fraction of the peak at the last step.</param>
/// <param name="WeightDecay">AdamW's decoupled weight decay.</param>
/// <param name="GradientClip">Largest global gradient norm.</param>
/// <param name="LogEvery">A loss is reported every this many steps (and at the last).</param>
public sealed record TrainingSettings(
    int Steps, int BatchSize, double LearningRate, int WarmupSteps, int Seed,
    double FinalLearningRateFraction = 0.1, double WeightDecay = 0.01, double GradientClip = 1.0, int LogEvery = 50)
{
    /// <summary>The learning rate at a step (0-based): linear warmup, then cosine decay to the final fraction.</summary>
    public double LearningRateAt(int step)
    {
        if (step < WarmupSteps) return LearningRate * (step + 1) / WarmupSteps;
        var decaySteps = Math.Max(1, Steps - WarmupSteps - 1);
        var progress = Math.Min(1.0, (double)(step - WarmupSteps) / decaySteps);
        var cosine = 0.5 * (1 + Math.Cos(Math.PI * progress));
        return LearningRate * (FinalLearningRateFraction + (1 - FinalLearningRateFraction) * cosine);
    }

    /// <summary>Checks every field.</summary>
    /// <exception cref="ArgumentException">A field is out of range; the message names it.</exception>
    public void Validate()
    {
        if (Steps < 1) throw new ArgumentException($"Steps must be at least 1 (got {Steps})");
        if (BatchSize < 1) throw new ArgumentException($"BatchSize must be at least 1 (got {BatchSize})");
        if (!(LearningRate > 0)) throw new ArgumentException($"LearningRate must be positive (got {LearningRate})");
        if (WarmupSteps < 0 || WarmupSteps >= Steps) throw new ArgumentException($"WarmupSteps must lie in [0, Steps) (got {WarmupSteps})");
        if (FinalLearningRateFraction is < 0 or > 1) throw new ArgumentException($"FinalLearningRateFraction must lie in [0, 1] (got {FinalLearningRateFraction})");
        if (LogEvery < 1) throw new ArgumentException($"LogEvery must be at least 1 (got {LogEvery})");
    }
}
