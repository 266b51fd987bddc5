using Esr.Kernel.Results;
using Microsoft.Data.Analysis;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>
/// Figure A.14 (Exp 10): steered baseline, detector ablation and random ablation, with metrics aggregated over
/// result files rather than pooled trial-wise (ESR_SPEC §2.4 and §6 Exp 10); and, when given, the random sets matched
/// to the detectors' firing rates (<c>--match-random-sets</c>), which the paper did not draw.
/// </summary>
public static class FileAggregateFigure
{
    /// <summary>The conditions in order: id, label, colour.</summary>
    public static IReadOnlyList<(string Id, string Label, string Colour)> Conditions { get; } =
    [
        ("baseline", "Steered baseline", "#6A0DAD"),
        ("detector_ablation", "Detector ablation", "#17A2B8"),
        ("random_ablation", "Random ablation", "#FFA500"),
        ("matched_random_ablation", "Matched random ablation", "#D95F02"),
    ];

    /// <summary>
    /// One row per condition present: condition, label, files, n, multi_attempt, improved (counts summed over the
    /// condition's files); multi_attempt_pct and esr_rate (each with _se, _low, _high) recomputed from the totals
    /// with the Wald SE; first_attempt_score = trial-weighted mean of the file means, with
    /// first_attempt_score_se = population SD of the file means / sqrt(#files); msi = multi-attempt-weighted mean
    /// of the file MSIs, msi_se likewise over files with multi-attempt trials; first_attempt_change = the first
    /// score minus the baseline's. Only the ablated model's trials count (<see cref="TrialSelection.AblatedModel"/>:
    /// the 70B in the paper). Trials group into conditions by their condition: <paramref name="baselineCondition"/>,
    /// <paramref name="ablationCondition"/> with a number of ablated latents in <paramref name="detectorCounts"/>
    /// (<see cref="AblationFigure.HasDetectorCount"/>: by default the paper's 22, 25 or 26, as plot_exp10.py), any
    /// starting with "random_ablation", or any starting with "matched_random_ablation"; into files by source file (or by
    /// condition when a record has none).
    /// </summary>
    public static DataFrame Build(
        IEnumerable<TrialRecord> trials,
        string baselineCondition = "steered",
        string ablationCondition = "ablation",
        MetricOptions? options = null,
        IReadOnlyCollection<int>? detectorCounts = null)
    {
        ArgumentNullException.ThrowIfNull(trials);
        options ??= MetricOptions.Paper;
        string? ConditionOf(TrialRecord t) =>
            t.Condition == baselineCondition ? "baseline"
            : t.Condition == ablationCondition ? (AblationFigure.HasDetectorCount(t, detectorCounts) ? "detector_ablation" : null)
            : t.Condition.StartsWith("random_ablation", StringComparison.Ordinal) ? "random_ablation"
            : t.Condition.StartsWith("matched_random_ablation", StringComparison.Ordinal) ? "matched_random_ablation"
            : null;
        var ablated = TrialSelection.AblatedModel(trials, t => t.Condition == ablationCondition || ConditionOf(t) is "random_ablation" or "matched_random_ablation");
        var byCondition = ablated.Where(t => ConditionOf(t) is not null).GroupBy(t => ConditionOf(t)!).ToDictionary(g => g.Key, g => g.ToList());
        double baselineFirst = double.NaN;
        var frame = new FrameBuilder();
        foreach (var (id, label, _) in Conditions)
        {
            if (!byCondition.TryGetValue(id, out var list)) continue;
            var files = list.GroupBy(t => t.SourceFile ?? t.Condition).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => EsrMetrics.Summarize(TrialSelection.Graded(g), options)).ToList();
            int n = files.Sum(f => f.Included), multi = files.Sum(f => f.MultiAttempt), improved = files.Sum(f => f.Improved);
            var first = Pooled(files.Select(f => (f.FirstAttemptScore.Value, f.Included)).ToList(), options.Z);
            var msi = Pooled(files.Select(f => (f.MeanScoreImprovement.Value, f.MultiAttempt)).ToList(), options.Z);
            if (id == "baseline") baselineFirst = first.Value;
            frame.Add("condition", id).Add("label", label).Add("files", files.Count)
                .Add("n", n).Add("multi_attempt", multi).Add("improved", improved)
                .Add("multi_attempt_pct", Estimate.Percentage(multi, n, options.Z, options.Proportions))
                .Add("esr_rate", Estimate.Percentage(improved, n, options.Z, options.Proportions))
                .Add("first_attempt_score", first).Add("msi", msi)
                .Add("first_attempt_change", first.Value - baselineFirst);
            frame.EndRow();
        }
        return frame.ToFrame();
    }

    /// <summary>
    /// The weighted mean of per-file values (weights = the files' counts) with SE = population SD of the values /
    /// sqrt(#files); files with weight 0 (an undefined value) are left out.
    /// </summary>
    public static Estimate Pooled(IReadOnlyList<(double Value, int Weight)> files, double z)
    {
        var used = files.Where(f => f.Weight > 0).ToList();
        if (used.Count == 0) return new(double.NaN, double.NaN, double.NaN, double.NaN, 0);
        int total = used.Sum(f => f.Weight);
        double mean = used.Sum(f => f.Value * f.Weight) / total;
        double plain = used.Average(f => f.Value);
        double se = Math.Sqrt(used.Sum(f => (f.Value - plain) * (f.Value - plain)) / used.Count) / Math.Sqrt(used.Count);
        return new(mean, se, mean - z * se, mean + z * se, total);
    }
}
