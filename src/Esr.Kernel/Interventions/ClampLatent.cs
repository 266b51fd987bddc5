namespace Esr.Kernel.Interventions;

/// <summary>
/// Sets a latent's activation to <paramref name="Value"/> at every affected token, keeping the SAE's reconstruction
/// error: h' = h + (Value − f(h))·d. An <see cref="AddLatent"/> of the same latent in the same list still adds on top
/// (the clamp happens first), so the latent ends at Value + boost.
/// </summary>
/// <param name="Latent">The latent's index in the SAE.</param>
/// <param name="Value">The activation to hold it at.</param>
public sealed record ClampLatent(int Latent, float Value) : Intervention;
