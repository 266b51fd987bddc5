using Esr.Kernel.Results;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>What a plan is built from besides the settings.</summary>
/// <param name="RunSeed">The run seed.</param>
/// <param name="Prompts">The base prompts (the 38 of prompts.txt).</param>
/// <param name="Label">A latent's label (the label file's, or its placeholder).</param>
/// <param name="Source">The trials of <c>--from-results</c>, null without one.</param>
/// <param name="SelectLatents">Latent selection (§3), used when there is no source; gets the candidate stream.</param>
public sealed record PlanInputs(
    int RunSeed,
    IReadOnlyList<string> Prompts,
    Func<int, string> Label,
    IReadOnlyList<TrialRecord>? Source,
    Func<Random, CancellationToken, Task<IReadOnlyList<int>>>? SelectLatents)
{
    /// <summary>
    /// How a meta-prompt names a latent's label (<c>{latent_label}</c>, Exp 5); null names the label as it is. A toy
    /// model's labels are categories ("subject:volcanoes"), whose prompt text is the subject's name.
    /// </summary>
    public Func<string, string>? PromptLabel { get; init; }
}
