using Esr.Kernel.Hooks;
using Esr.Kernel.Saes;

namespace Esr.Kernel.Toy;

/// <summary>Where the per-sequence steering of <see cref="TrainingSequence.Steering"/> is applied during training.</summary>
/// <param name="Sae">The SAE whose latents the interventions name.</param>
/// <param name="Point">The hook point, e.g. <c>blocks.1.resid_post</c>.</param>
public sealed record TrainingSteering(SparseAutoencoder Sae, HookPoint Point);
