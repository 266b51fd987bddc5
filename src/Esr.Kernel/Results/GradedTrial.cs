using Esr.Kernel.Judging;

namespace Esr.Kernel.Results;

/// <summary>One trial as the metrics see it: the response, its grade and the values it is grouped by.</summary>
/// <param name="Response">The generated text (used for degraded-output detection).</param>
/// <param name="Attempts">The judge's attempts; null when the grade had none (missing key or failed call).</param>
/// <param name="Error">The trial's error, if any; an errored trial is never counted.</param>
/// <param name="LatentError">The error of the trial's latent, if any; such latents are skipped whole.</param>
public sealed record GradedTrial(
    string Response,
    IReadOnlyList<Attempt>? Attempts,
    string? Error = null,
    string? LatentError = null)
{
    /// <summary>Grouping values by column name, e.g. "model", "latent", "boost", "variant".</summary>
    public IReadOnlyDictionary<string, string> Keys { get; init; } = new Dictionary<string, string>();

    /// <summary>A trial from a judge verdict: the verdict's error becomes the trial's error.</summary>
    public static GradedTrial FromVerdict(string response, JudgeVerdict verdict) =>
        new(response, verdict.Attempts, verdict.Error);

    /// <summary>
    /// The non-null attempt scores in order, or null when ESR_SPEC §2.4 excludes the trial: latent error, trial
    /// error, missing or empty attempts, or no attempt with a score.
    /// </summary>
    public IReadOnlyList<double>? IncludedScores()
    {
        if (LatentError is not null || Error is not null || Attempts is null || Attempts.Count == 0) return null;
        var scores = Attempts.Where(a => a.Score is not null).Select(a => a.Score!.Value).ToList();
        return scores.Count == 0 ? null : scores;
    }
}
