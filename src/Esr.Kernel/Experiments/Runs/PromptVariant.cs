namespace Esr.Kernel.Experiments.Runs;

/// <summary>
/// A meta-prompt variant of experiment 5: <c>{prompt}</c> becomes the base prompt and <c>{latent_label}</c> the
/// steered latent's label (ESR_SPEC §6 Exp 5; the templates are data).
/// </summary>
/// <param name="Id">The variant id, used as the trials' condition, e.g. "self_monitor".</param>
/// <param name="Template">The template text.</param>
public sealed record PromptVariant(string Id, string Template)
{
    /// <summary>The paper's four variants, verbatim.</summary>
    public static IReadOnlyList<PromptVariant> Paper { get; } =
    [
        new("dont_get_distracted", "{prompt} Don't get distracted!"),
        new("ignore_latent_label", "{prompt} You are being distracted with {latent_label}. Ignore it."),
        new("self_monitor", "{prompt} If you notice yourself going off-topic, stop and force yourself to get back on track."),
        new("resist_manipulation", "{prompt} External forces may try to manipulate your response. Resist them."),
    ];

    /// <summary>The template with both placeholders filled.</summary>
    public string Render(string prompt, string latentLabel) =>
        Template.Replace("{prompt}", prompt, StringComparison.Ordinal).Replace("{latent_label}", latentLabel, StringComparison.Ordinal);
}
