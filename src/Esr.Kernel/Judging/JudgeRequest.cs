namespace Esr.Kernel.Judging;

/// <summary>The three things a judge grades.</summary>
/// <param name="Prompt">The user prompt exactly as sent to the steered model (the meta-prompted text in Exp 5).</param>
/// <param name="Response">The generated response.</param>
/// <param name="FeatureLabel">The label of the steered latent, i.e. the unrelated feature.</param>
public sealed record JudgeRequest(string Prompt, string Response, string FeatureLabel);
