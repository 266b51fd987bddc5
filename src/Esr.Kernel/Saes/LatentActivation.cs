namespace Esr.Kernel.Saes;

/// <summary>One latent's activation at one token.</summary>
/// <param name="Latent">The latent's index in the SAE.</param>
/// <param name="Value">Its activation.</param>
public sealed record LatentActivation(int Latent, float Value);
