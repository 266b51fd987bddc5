namespace Esr.Kernel.Experiments.Runs;

/// <summary>One prompt of a latent's plan.</summary>
/// <param name="Prompt">The text the model and the judge see (a meta-prompt variant already rendered).</param>
/// <param name="BasePrompt">The prompt before a variant was applied, null when it is <paramref name="Prompt"/>.</param>
/// <param name="ReplaySeed">The source trial's seed when the trial replays it (Exp 3, 10), else null (derived).</param>
public sealed record PlannedPrompt(string Prompt, string? BasePrompt = null, int? ReplaySeed = null);
