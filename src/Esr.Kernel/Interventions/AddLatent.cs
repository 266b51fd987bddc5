namespace Esr.Kernel.Interventions;

/// <summary>
/// Boosts a latent: its activation gains <paramref name="Value"/>, so the activation gains Value × the latent's raw
/// decoder direction (the paper's "add" mode; the boost is in latent units, ESR_SPEC §1.4).
/// </summary>
/// <param name="Latent">The latent's index in the SAE.</param>
/// <param name="Value">The boost; may be negative.</param>
public sealed record AddLatent(int Latent, float Value) : Intervention;
