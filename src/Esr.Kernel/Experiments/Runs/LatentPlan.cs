namespace Esr.Kernel.Experiments.Runs;

/// <summary>The trials of one latent in one condition: its prompts, and how its boost is found.</summary>
/// <param name="Condition">The trials' condition ("steered", "ablation", a variant id, ...).</param>
/// <param name="Latent">The steered latent.</param>
/// <param name="Label">Its label, shown to the judge.</param>
/// <param name="Prompts">The prompts, in order; trial keys number them.</param>
/// <param name="SourceThreshold">A threshold taken from a source run, null when it must come from the cache or calibration.</param>
/// <param name="Ablated">Latents zero-clamped at the steering block in every generation of this latent.</param>
public sealed record LatentPlan(
    string Condition, int Latent, string Label, IReadOnlyList<PlannedPrompt> Prompts, double? SourceThreshold, IReadOnlyList<int> Ablated);
