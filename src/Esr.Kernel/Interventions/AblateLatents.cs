namespace Esr.Kernel.Interventions;

/// <summary>Zero-ablates latents: the same as a <see cref="ClampLatent"/> to 0 for each of them.</summary>
/// <param name="Latents">The latents' indices in the SAE.</param>
public sealed record AblateLatents(IReadOnlyList<int> Latents) : Intervention;
