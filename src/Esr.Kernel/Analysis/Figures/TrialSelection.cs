using Esr.Kernel.Results;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>The pooling rules of ESR_SPEC §2.4 that figures apply to trial records.</summary>
public static class TrialSelection
{
    /// <summary>
    /// Per group, only the trials of the lexicographically last (most recent) source file: the Exp-4 rule and the
    /// fine-tuned bar of the combined figure. Trials without a source file count as one file named "".
    /// </summary>
    public static IEnumerable<TrialRecord> LatestFilePer(IEnumerable<TrialRecord> trials, Func<TrialRecord, string> group)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var list = trials.ToList();
        var latest = list.GroupBy(group)
            .ToDictionary(g => g.Key, g => g.Select(t => t.SourceFile ?? "").Max(StringComparer.Ordinal) ?? "");
        return list.Where(t => (t.SourceFile ?? "") == latest[group(t)]);
    }

    /// <summary>
    /// The trials of the model the fine-tuning figures compare against: Llama-3.1-8B (the base of the paper's
    /// fine-tuned models) when any trial is of that family, otherwise all the given trials (another base model,
    /// e.g. the toy world's).
    /// </summary>
    public static IEnumerable<TrialRecord> FineTuningBase(IEnumerable<TrialRecord> trials)
    {
        var list = trials.ToList();
        var llama8B = list.Where(t => ModelStyle.For(t.Model).DisplayName == "Llama-3.1-8B").ToList();
        return llama8B.Count > 0 ? llama8B : list;
    }

    /// <summary>
    /// The trials of the model the ablation figures (5 and A.14) compare with and without ablation: the models that
    /// have trials <paramref name="isAblation"/> picks, only Llama-3.3-70B among them when it is one (the paper's
    /// plot_exp3.py and plot_exp10.py read that model's files only); without any such trial, Llama-3.3-70B's. So the
    /// steered baseline holds no other model's trials, a fine-tuned model's included.
    /// </summary>
    public static IEnumerable<TrialRecord> AblatedModel(IEnumerable<TrialRecord> trials, Func<TrialRecord, bool> isAblation)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var list = trials.ToList();
        static bool Llama70B(string model) => ModelStyle.For(model).DisplayName == "Llama-3.3-70B";
        var ablated = list.Where(isAblation).Select(t => t.Model).ToHashSet(StringComparer.Ordinal);
        if (ablated.Count == 0 || ablated.Any(Llama70B)) return list.Where(t => Llama70B(t.Model));
        return list.Where(t => ablated.Contains(t.Model));
    }

    /// <summary>The metrics' view of the records, with the source file added as key "file".</summary>
    public static IEnumerable<GradedTrial> Graded(IEnumerable<TrialRecord> trials) =>
        trials.Select(t =>
        {
            var graded = t.ToGradedTrial();
            var keys = new Dictionary<string, string>(graded.Keys) { ["file"] = t.SourceFile ?? "" };
            return graded with { Keys = keys };
        });
}
