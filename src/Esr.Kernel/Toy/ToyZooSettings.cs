namespace Esr.Kernel.Toy;

/// <summary>Everything that determines the toy zoo; the same settings rebuild the same files.</summary>
/// <param name="Sizes">The model sizes; each gets a base model, its SAE and a steering-aware fine-tune.</param>
/// <param name="MainSize">The size that also gets the self-correction fine-tunes.</param>
/// <param name="Ratios">Self-correction mixing ratios of the fine-tunes of the main size (0 is the base itself).</param>
/// <param name="SteeringAwareRatio">The share of task episodes that are steered self-corrections in a steering-aware fine-tune.</param>
/// <param name="Base">Training of every base model (one schedule for every size).</param>
/// <param name="FineTune">Training of every fine-tune.</param>
/// <param name="Sae">SAE training (Latents comes from the size).</param>
/// <param name="BaseEpisodes">Episodes in the base corpus.</param>
/// <param name="FineTuneEpisodes">Episodes in each fine-tuning corpus.</param>
/// <param name="SaeEpisodes">Episodes whose tokens the SAE is trained and labelled on.</param>
/// <param name="SteeringBoosts">The range of add-steering boosts of steering-aware episodes, in units of the median residual norm at the SAE block.</param>
/// <param name="Seed">The root seed.</param>
public sealed record ToyZooSettings(
    IReadOnlyList<ToySize> Sizes, string MainSize, IReadOnlyList<double> Ratios, double SteeringAwareRatio,
    TrainingSettings Base, TrainingSettings FineTune, SaeTrainingSettings Sae,
    int BaseEpisodes, int FineTuneEpisodes, int SaeEpisodes, (double Low, double High) SteeringBoosts, int Seed)
{
    /// <summary>
    /// The committed zoo (toy/zoo): three sizes, ratios 0/30/60/90 % at size m, steering-aware fine-tunes of every size.
    /// Sized for a shared 2-core machine: short schedules at small batches (see docs/TOY_WORLD.md for what that costs).
    /// </summary>
    public static ToyZooSettings Default { get; } = new(
        Sizes:
        [
            new ToySize("s", Layers: 1, Hidden: 48, Heads: 4, FeedForward: 128, SaeBlock: 0, SaeLatents: 256),
            new ToySize("m", Layers: 2, Hidden: 64, Heads: 4, FeedForward: 176, SaeBlock: 0, SaeLatents: 512),
            new ToySize("l", Layers: 3, Hidden: 96, Heads: 4, FeedForward: 256, SaeBlock: 1, SaeLatents: 768),
        ],
        MainSize: "m",
        Ratios: [0.3, 0.6, 0.9],
        SteeringAwareRatio: 0.3,
        Base: new TrainingSettings(Steps: 600, BatchSize: 16, LearningRate: 5e-3, WarmupSteps: 20, Seed: 1),
        FineTune: new TrainingSettings(Steps: 100, BatchSize: 16, LearningRate: 1.5e-3, WarmupSteps: 10, Seed: 2, LogEvery: 25),
        Sae: new SaeTrainingSettings(Latents: 0, L1Coefficient: 0.25, Steps: 1000, BatchSize: 512, LearningRate: 3e-3, Seed: 3),
        BaseEpisodes: 8000, FineTuneEpisodes: 3000, SaeEpisodes: 600, SteeringBoosts: (0.4, 0.8), Seed: 6);
}
