using System.Globalization;
using System.Text.Json.Nodes;
using Esr.Kernel.Judging;
using Esr.Kernel.Results;

namespace Esr.Kernel.Experiments.Episodes;

/// <summary>
/// Episode extraction (ESR_SPEC §7.2 steps 2 and 6): self-correction episodes from trials, and the baseline of
/// single-attempt trials that scored well.
/// </summary>
public static class EpisodeExtraction
{
    /// <summary>
    /// Trials without error whose grade has exactly two attempts, both scored, the second higher; ids ep_0001... in
    /// order of source file (ordinal) then input order. Pass the 70B trials without no-steering ones; [QUIRK] the paper
    /// also passes its <c>_with_ablation</c> files (set <paramref name="includeAblation"/> false to leave them out).
    /// </summary>
    public static IReadOnlyList<Episode> Extract(IEnumerable<TrialRecord> trials, bool includeAblation = true)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var episodes = new List<Episode>();
        foreach (var trial in trials.Select((t, i) => (t, i)).OrderBy(p => p.t.SourceFile ?? "", StringComparer.Ordinal).ThenBy(p => p.i).Select(p => p.t))
        {
            if (trial.Error is not null || trial.LatentError is not null || trial.Verdict is not { Error: null, Attempts: { Count: 2 } attempts }) continue;
            if (!includeAblation && IsAblation(trial)) continue;
            if (attempts[0].Score is not { } first || attempts[1].Score is not { } second || !(second > first)) continue;
            episodes.Add(new Episode(
                string.Create(CultureInfo.InvariantCulture, $"ep_{episodes.Count + 1:D4}"), trial, first, second, attempts[0].Text, attempts[1].Text));
        }
        return episodes;
    }

    /// <summary>
    /// The no-self-correction baseline: trials without error with exactly one scored attempt of at least
    /// <paramref name="minimumScore"/>, of which <paramref name="limit"/> are drawn with a <see cref="Random"/> seeded
    /// <paramref name="seed"/> (the paper: 50, seed 42; Python's draw is not reproduced). Ids base_0001...
    /// </summary>
    public static IReadOnlyList<Episode> Baseline(IEnumerable<TrialRecord> trials, int limit = 50, int seed = 42, double minimumScore = 50)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var pool = trials.Where(t => t.Error is null && t.LatentError is null
            && t.Verdict is { Error: null, Attempts: { Count: 1 } a } && a[0].Score >= minimumScore).ToArray();
        new Random(seed).Shuffle(pool);
        return pool.Take(limit).Select((t, i) => new Episode(
            string.Create(CultureInfo.InvariantCulture, $"base_{i + 1:D4}"), t, t.Verdict!.Attempts![0].Score!.Value, double.NaN, t.Verdict.Attempts[0].Text, "")).ToList();
    }

    /// <summary>The paper's <c>episodes.json</c>: a list of episodes with their trial's fields.</summary>
    public static JsonArray ToJson(IReadOnlyList<Episode> episodes)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        return new JsonArray(episodes.Select(e => (JsonNode)EpisodeJson(e)).ToArray());
    }

    internal static JsonObject EpisodeJson(Episode e) => new()
    {
        ["episode_id"] = e.Id,
        ["source_file"] = e.Trial.SourceFile ?? "",
        ["prompt"] = e.Trial.Prompt,
        ["response"] = e.Trial.Response,
        ["feature_index"] = e.Trial.Latent,
        ["feature_label"] = e.Trial.LatentLabel,
        ["threshold"] = e.Trial.Threshold,
        ["seed"] = e.Trial.Seed,
        ["first_score"] = e.FirstScore,
        ["second_score"] = double.IsNaN(e.SecondScore) ? null : e.SecondScore,
        ["first_attempt_text"] = e.FirstAttemptText,
        ["second_attempt_text"] = e.SecondAttemptText,
    };

    private static bool IsAblation(TrialRecord trial) =>
        trial.AblatedLatents.Count > 0 || (trial.SourceFile?.Contains("_with_ablation", StringComparison.Ordinal) ?? false);
}
