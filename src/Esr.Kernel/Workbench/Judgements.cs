using Esr.Kernel.Interventions;
using Esr.Kernel.Judging;

namespace Esr.Kernel;

/// <summary>
/// Grades completions with a judge, with the feature label taken from the steering as ESR_SPEC §2 asks: the label of
/// the latent that was boosted (of a clamped one when nothing was boosted), or "none".
/// </summary>
public static class Judgements
{
    /// <summary>The label a judge is told for a steering: the first boosted latent's, else the first clamped one's, else "none".</summary>
    public static string FeatureLabel(Steering steering, AttachedSae? sae)
    {
        ArgumentNullException.ThrowIfNull(steering);
        var latent = steering.Interventions.OfType<AddLatent>().Select(add => (int?)add.Latent).FirstOrDefault()
            ?? steering.Interventions.OfType<ClampLatent>().Select(clamp => (int?)clamp.Latent).FirstOrDefault();
        return latent is { } chosen ? sae?.Label(chosen) ?? Saes.LatentLabels.Placeholder(chosen) : "none";
    }

    /// <summary>Grades a response to a prompt.</summary>
    public static async Task<Verdict> JudgeAsync(this IJudge judge, string prompt, string response, string featureLabel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(judge);
        var request = new JudgeRequest(prompt, response, featureLabel);
        return new Verdict(judge.Name, request, await judge.JudgeAsync(request, cancellationToken));
    }

    /// <summary>Grades a completion; the label is <paramref name="featureLabel"/>, or else the one of its steering (<see cref="FeatureLabel"/>).</summary>
    public static Task<Verdict> JudgeAsync(this IJudge judge, Completion completion, AttachedSae? sae, string? featureLabel = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(completion);
        return judge.JudgeAsync(completion.Prompt, completion.Text, featureLabel ?? FeatureLabel(completion.Steering, sae), cancellationToken);
    }

    /// <summary>Grades both completions of a comparison against the compared steering's label; no judge leaves them ungraded.</summary>
    public static async Task<JudgedComparison> JudgeAsync(this IJudge? judge, SteerComparison comparison, AttachedSae? sae, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        if (judge is null) return new JudgedComparison(comparison, null, null);
        var label = FeatureLabel(comparison.Steering, sae);
        return new JudgedComparison(comparison,
            await judge.JudgeAsync(comparison.Default, sae, label, cancellationToken),
            await judge.JudgeAsync(comparison.Steered, sae, label, cancellationToken));
    }

    /// <summary>Grades every rung of a ladder against the ladder latent's label; no judge leaves them ungraded.</summary>
    public static async Task<JudgedLadder> JudgeAsync(this IJudge? judge, SteeringLadder ladder, AttachedSae? sae, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ladder);
        if (judge is null) return new JudgedLadder(ladder, null);
        var label = sae?.Label(ladder.Latent) ?? Saes.LatentLabels.Placeholder(ladder.Latent);
        var verdicts = new List<Verdict>();
        foreach (var rung in ladder.Rungs) verdicts.Add(await judge.JudgeAsync(rung.Completion, sae, label, cancellationToken));
        return new JudgedLadder(ladder, verdicts);
    }
}
