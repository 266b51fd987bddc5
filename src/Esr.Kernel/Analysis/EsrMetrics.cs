using Microsoft.Data.Analysis;
using Esr.Kernel.Results;

namespace Esr.Kernel.Analysis;

/// <summary>
/// The paper's metrics (ESR_SPEC §2.4) over graded trials, for one group or grouped by any key columns.
/// </summary>
public static class EsrMetrics
{
    /// <summary>The metric columns of <see cref="ByGroups"/>, each followed there by _se, _low and _high columns.</summary>
    public static IReadOnlyList<string> EstimateColumns { get; } =
        ["first_attempt_score", "multi_attempt_pct", "esr_rate", "improvement_rate", "msi", "msi_all_trials"];

    /// <summary>The metrics of all the trials taken as one group.</summary>
    public static EsrSummary Summarize(IEnumerable<GradedTrial> trials, MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trials);
        options ??= MetricOptions.Paper;
        var firsts = new List<double>();
        var deltasMulti = new List<double>();
        var deltasAll = new List<double>();
        int degraded = 0, multi = 0, improved = 0;
        foreach (var (_, scores, isDegraded) in Included(trials))
        {
            if (isDegraded)
            {
                degraded++;
                if (options.ExcludeDegraded) continue;
            }
            double first = scores[0], last = scores[^1];
            firsts.Add(first);
            bool isMulti = scores.Count > 1;
            // Single-attempt trials contribute 0 to the all-trials mean, as in the include-degraded variant.
            deltasAll.Add(isMulti ? last - first : 0);
            if (!isMulti) continue;
            multi++;
            deltasMulti.Add(last - first);
            if (last > first) improved++;
        }
        int n = firsts.Count;
        double z = options.Z;
        return new EsrSummary(
            n, degraded, multi, improved,
            Estimate.Mean(firsts, z),
            Estimate.Percentage(multi, n, z, options.Proportions),
            Estimate.Percentage(improved, n, z, options.Proportions),
            Estimate.Percentage(improved, multi, z, options.Proportions),
            Estimate.Mean(deltasMulti, z),
            Estimate.Mean(deltasAll, z));
    }

    /// <summary>
    /// The trials the metrics count, with their non-null attempt scores in order: the ESR_SPEC §2.4 inclusion rules,
    /// then the degraded filter when <paramref name="options"/> asks for it. Figures read per-trial values here.
    /// </summary>
    public static IEnumerable<(GradedTrial Trial, IReadOnlyList<double> Scores)> Counted(IEnumerable<GradedTrial> trials, MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trials);
        bool exclude = (options ?? MetricOptions.Paper).ExcludeDegraded;
        return Included(trials).Where(t => !(exclude && t.Degraded)).Select(t => (t.Trial, t.Scores));
    }

    private static IEnumerable<(GradedTrial Trial, IReadOnlyList<double> Scores, bool Degraded)> Included(IEnumerable<GradedTrial> trials)
    {
        foreach (var trial in trials)
        {
            var scores = trial.IncludedScores();
            if (scores is not null) yield return (trial, scores, DegradedText.IsDegraded(trial.Response));
        }
    }

    /// <summary>
    /// One row per distinct combination of the key columns (ordinal order), with the group's key values, the
    /// counts n, degraded, multi_attempt, improved, and for each of <see cref="EstimateColumns"/> the value, _se,
    /// _low and _high. With no columns, one row for all trials.
    /// </summary>
    /// <exception cref="ArgumentException">A trial lacks one of the key columns.</exception>
    public static DataFrame ByGroups(IEnumerable<GradedTrial> trials, IReadOnlyList<string> columns, MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(columns);
        var groups = new SortedDictionary<string[], List<GradedTrial>>(KeyComparer.Instance);
        foreach (var trial in trials)
        {
            var key = columns.Select(c => trial.Keys.TryGetValue(c, out var v)
                ? v : throw new ArgumentException($"A trial has no value for the grouping column \"{c}\".", nameof(trials))).ToArray();
            if (!groups.TryGetValue(key, out var list)) groups[key] = list = [];
            list.Add(trial);
        }
        var summaries = groups.Select(g => (g.Key, Summary: Summarize(g.Value, options))).ToList();

        var frameColumns = new List<DataFrameColumn>();
        for (int c = 0; c < columns.Count; c++)
            frameColumns.Add(new StringDataFrameColumn(columns[c], summaries.Select(s => s.Key[c])));
        frameColumns.Add(new Int32DataFrameColumn("n", summaries.Select(s => s.Summary.Included)));
        frameColumns.Add(new Int32DataFrameColumn("degraded", summaries.Select(s => s.Summary.Degraded)));
        frameColumns.Add(new Int32DataFrameColumn("multi_attempt", summaries.Select(s => s.Summary.MultiAttempt)));
        frameColumns.Add(new Int32DataFrameColumn("improved", summaries.Select(s => s.Summary.Improved)));
        foreach (var name in EstimateColumns)
        {
            var estimates = summaries.Select(s => Pick(s.Summary, name)).ToList();
            frameColumns.Add(new DoubleDataFrameColumn(name, estimates.Select(e => e.Value)));
            frameColumns.Add(new DoubleDataFrameColumn(name + "_se", estimates.Select(e => e.StandardError)));
            frameColumns.Add(new DoubleDataFrameColumn(name + "_low", estimates.Select(e => e.Low)));
            frameColumns.Add(new DoubleDataFrameColumn(name + "_high", estimates.Select(e => e.High)));
        }
        return new DataFrame(frameColumns);
    }

    internal static Estimate Pick(EsrSummary summary, string column) => column switch
    {
        "first_attempt_score" => summary.FirstAttemptScore,
        "multi_attempt_pct" => summary.MultiAttemptPercent,
        "esr_rate" => summary.EsrRate,
        "improvement_rate" => summary.ImprovementRate,
        "msi" => summary.MeanScoreImprovement,
        "msi_all_trials" => summary.MeanScoreImprovementAllTrials,
        _ => throw new ArgumentOutOfRangeException(nameof(column), column, null),
    };

    private sealed class KeyComparer : IComparer<string[]>
    {
        public static KeyComparer Instance { get; } = new();

        public int Compare(string[]? x, string[]? y)
        {
            for (int i = 0; i < x!.Length; i++)
            {
                int c = string.CompareOrdinal(x[i], y![i]);
                if (c != 0) return c;
            }
            return 0;
        }
    }
}
