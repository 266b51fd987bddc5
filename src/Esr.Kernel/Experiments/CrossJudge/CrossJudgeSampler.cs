using System.Globalization;
using Esr.Kernel.Judging;
using Esr.Kernel.Results;

namespace Esr.Kernel.Experiments.CrossJudge;

/// <summary>
/// Chooses the trials Experiment 7 regrades (ESR_SPEC §6 Exp 7): from the trials of
/// <see cref="CrossJudgeSamplingOptions.Experiments"/> without error and with a non-blank response (as
/// regrade_cross_judge.py, whether their original grade succeeded is not asked), deduplicated by (source file, seed, latent), (1) every trial whose original grade has more than one
/// attempt, (2) random others until each target model has <see cref="CrossJudgeSamplingOptions.MinimumPerModel"/>,
/// (3) random others until <see cref="CrossJudgeSamplingOptions.SampleCount"/>. The random draws use one
/// <see cref="Random"/> seeded with <see cref="CrossJudgeSamplingOptions.Seed"/> (the same choice on every run here;
/// Python's sequence is not reproduced).
/// </summary>
public static class CrossJudgeSampler
{
    /// <summary>Chooses the sample.</summary>
    public static CrossJudgeSample Select(IEnumerable<TrialRecord> trials, CrossJudgeSamplingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trials);
        options ??= new CrossJudgeSamplingOptions();
        var pool = new List<SampledTrial>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var trial in trials)
        {
            if (!Eligible(trial, options) || !seen.Add(KeyOf(trial))) continue;
            pool.Add(new SampledTrial(trial, trial.Model, trial.Verdict?.Attempts is { Count: > 1 }));
        }

        var random = new Random(options.Seed);
        var chosen = pool.Where(t => t.HasSelfCorrection).ToList();
        var taken = chosen.Select(t => t.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var model in pool.Select(t => t.TargetModel).Distinct().Order(StringComparer.Ordinal))
        {
            var missing = options.MinimumPerModel - chosen.Count(t => t.TargetModel == model);
            TopUp(pool.Where(t => t.TargetModel == model && !taken.Contains(t.Key)).ToList(), missing, random, chosen, taken);
        }
        TopUp(pool.Where(t => !taken.Contains(t.Key)).ToList(), options.SampleCount - chosen.Count, random, chosen, taken);
        return new CrossJudgeSample(chosen, options);
    }

    /// <summary>The dedup key: source file (empty for own runs), seed and latent.</summary>
    public static string KeyOf(TrialRecord trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return string.Create(CultureInfo.InvariantCulture, $"{trial.SourceFile ?? ""}|{trial.Seed}|{trial.Latent}");
    }

    private static bool Eligible(TrialRecord trial, CrossJudgeSamplingOptions options) =>
        options.Experiments.Contains(trial.Experiment) && trial.Error is null && !string.IsNullOrWhiteSpace(trial.Response)
        && !(trial.SourceFile is { } file && options.ExcludedFileSubstrings.Any(s => Path.GetFileName(file).Contains(s, StringComparison.Ordinal)));

    // Draws `count` of the candidates without replacement (a partial Fisher-Yates shuffle) and adds them.
    private static void TopUp(List<SampledTrial> candidates, int count, Random random, List<SampledTrial> chosen, HashSet<string> taken)
    {
        count = Math.Min(count, candidates.Count);
        for (int i = 0; i < count; i++)
        {
            int j = random.Next(i, candidates.Count);
            (candidates[i], candidates[j]) = (candidates[j], candidates[i]);
            chosen.Add(candidates[i]);
            taken.Add(candidates[i].Key);
        }
    }
}
