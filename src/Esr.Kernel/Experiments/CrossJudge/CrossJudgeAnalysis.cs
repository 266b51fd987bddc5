using System.Text.RegularExpressions;
using Esr.Kernel.Formats;
using Esr.Kernel.Judging;
using Microsoft.Data.Analysis;

namespace Esr.Kernel.Experiments.CrossJudge;

/// <summary>
/// The analysis of Experiment 7 (<c>plot_exp7.py</c>): one row per (judge, trial), new grades with an error or no
/// attempt dropped, the original grade as its own judge once per trial that has a usable new grade; per-pair
/// agreement metrics; and the rows frame that <see cref="Analysis.Figures.CrossJudgeFigure"/> turns into Figures A.4-A.6.
/// </summary>
public static partial class CrossJudgeAnalysis
{
    /// <summary>
    /// The rows: the original grades first (one per sampled trial that some judge graded usably, as the paper's plot
    /// adds them only beside such a grade), then each judge's in order.
    /// </summary>
    public static IReadOnlyList<CrossJudgeRow> Rows(CrossJudgeSample sample, IReadOnlyList<RegradedSet> sets, CrossJudgeAnalysisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(sets);
        options ??= new CrossJudgeAnalysisOptions();
        var regraded = sets.SelectMany(set => set.Results.Select(result => (set.Alias, result.Sampled, Scores: NewScores(result.NewGrade, options))))
            .Where(r => r.Scores is not null).ToList();
        var usable = regraded.Select(r => r.Sampled.Key).ToHashSet(StringComparer.Ordinal);
        var rows = new List<CrossJudgeRow>();
        foreach (var trial in sample.Trials.Where(t => usable.Contains(t.Key)))
            AddRow(rows, options.OriginalJudgeName, trial, OriginalScores(trial.Trial.Verdict, options), options);
        foreach (var (alias, sampled, scores) in regraded)
            AddRow(rows, alias, sampled, scores, options);
        return rows;
    }

    /// <summary>
    /// The agreement of every judge pair (in order of first appearance, each pair once) sharing at least
    /// <see cref="CrossJudgeAnalysisOptions.MinimumSharedTrials"/> trials.
    /// </summary>
    public static IReadOnlyList<JudgeAgreement> Agreement(IReadOnlyList<CrossJudgeRow> rows, CrossJudgeAnalysisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        options ??= new CrossJudgeAnalysisOptions();
        var judges = rows.Select(r => r.Judge).Distinct().ToList();
        var byJudge = judges.ToDictionary(j => j, j => rows.Where(r => r.Judge == j).GroupBy(r => r.TrialKey).ToDictionary(g => g.Key, g => g.First()));
        var agreements = new List<JudgeAgreement>();
        for (int a = 0; a < judges.Count; a++)
            for (int b = a + 1; b < judges.Count; b++)
            {
                var left = byJudge[judges[a]];
                var right = byJudge[judges[b]];
                var pairs = left.Keys.Where(right.ContainsKey).Select(k => (A: left[k], B: right[k])).ToList();
                if (pairs.Count < options.MinimumSharedTrials) continue;
                var bothMulti = pairs.Where(p => p.A.HasMulti && p.B.HasMulti).ToList();
                agreements.Add(new JudgeAgreement(
                    judges[a], judges[b], pairs.Count,
                    Pearson(pairs.Select(p => p.A.FirstScore).ToArray(), pairs.Select(p => p.B.FirstScore).ToArray()),
                    pairs.Count(p => p.A.HasMulti == p.B.HasMulti) / (double)pairs.Count,
                    bothMulti.Count,
                    bothMulti.Count > options.MinimumBothMultiExclusive
                        ? bothMulti.Count(p => p.A.Improvement > 0 == p.B.Improvement > 0) / (double)bothMulti.Count
                        : double.NaN,
                    pairs.Count(p => p.A.Attempts == p.B.Attempts) / (double)pairs.Count));
            }
        return agreements;
    }

    /// <summary>The file experiment 7 saves <see cref="RowsFrame"/> to (the paper's name).</summary>
    public const string RowsCsvFile = "experiment_7_cross_judge_trials.csv";

    /// <summary>
    /// Reads back a <see cref="RowsFrame"/> saved as CSV (invariant culture), with the column types it was written
    /// with, e.g. to draw Figures A.4-A.6 from a finished experiment 7.
    /// </summary>
    /// <exception cref="InvalidDataException">The header is not the rows frame's; the message names the file and the columns expected.</exception>
    public static DataFrame LoadRowsFrame(string path) =>
        CsvTable.Load(path,
            ["judge", "trial_id", "target_model", "first_score", "last_score", "n_attempts", "improvement", "has_multi"],
            [typeof(string), typeof(string), typeof(string), typeof(double), typeof(double), typeof(int), typeof(double), typeof(bool)],
            "experiment 7's trials table");

    /// <summary>
    /// The rows as a DataFrame (the paper's <c>experiment_7_cross_judge_trials.csv</c>), with the columns
    /// <see cref="Analysis.Figures.CrossJudgeFigure"/> reads for Figures A.4-A.6.
    /// </summary>
    public static DataFrame RowsFrame(IReadOnlyList<CrossJudgeRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return new DataFrame(
            new StringDataFrameColumn("judge", rows.Select(r => r.Judge)),
            new StringDataFrameColumn("trial_id", rows.Select(r => r.TrialKey)),
            new StringDataFrameColumn("target_model", rows.Select(r => r.TargetModel)),
            new DoubleDataFrameColumn("first_score", rows.Select(r => r.FirstScore)),
            new DoubleDataFrameColumn("last_score", rows.Select(r => r.LastScore)),
            new Int32DataFrameColumn("n_attempts", rows.Select(r => r.Attempts)),
            new DoubleDataFrameColumn("improvement", rows.Select(r => r.Improvement)),
            new BooleanDataFrameColumn("has_multi", rows.Select(r => r.HasMulti)));
    }

    /// <summary>The agreement table as a DataFrame (the paper's <c>experiment_7_judge_agreement_metrics.csv</c>).</summary>
    public static DataFrame AgreementFrame(IReadOnlyList<JudgeAgreement> agreements)
    {
        ArgumentNullException.ThrowIfNull(agreements);
        return new DataFrame(
            new StringDataFrameColumn("judge_a", agreements.Select(a => a.JudgeA)),
            new StringDataFrameColumn("judge_b", agreements.Select(a => a.JudgeB)),
            new Int32DataFrameColumn("n_shared", agreements.Select(a => a.SharedTrials)),
            new DoubleDataFrameColumn("pearson_r_first_score", agreements.Select(a => a.PearsonFirstScore)),
            new DoubleDataFrameColumn("multi_attempt_agreement", agreements.Select(a => a.MultiAttemptAgreement)),
            new Int32DataFrameColumn("n_both_multi", agreements.Select(a => a.BothMulti)),
            new DoubleDataFrameColumn("esr_direction_agreement", agreements.Select(a => a.EsrDirectionAgreement)),
            new DoubleDataFrameColumn("attempt_count_agreement", agreements.Select(a => a.AttemptCountAgreement)));
    }

    /// <summary>The target model by the paper plot's file-name patterns, "" when none matches.</summary>
    public static string TargetModelFromFileName(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        var name = Path.GetFileName(fileName);
        if (Llama70B().IsMatch(name)) return "Llama-3.3-70B";
        if (Llama8B().IsMatch(name)) return "Llama-3.1-8B";
        if (name.Contains("gemma-2-27b-it", StringComparison.OrdinalIgnoreCase)) return "Gemma-2-27B";
        if (name.Contains("gemma-2-9b-it", StringComparison.OrdinalIgnoreCase)) return "Gemma-2-9B";
        if (name.Contains("gemma-2-2b-it", StringComparison.OrdinalIgnoreCase)) return "Gemma-2-2B";
        return "";
    }

    // A new grade counts when it has no error and some attempt; with the quirk its unscored attempts score 0.
    private static IReadOnlyList<double>? NewScores(JudgeVerdict grade, CrossJudgeAnalysisOptions options) =>
        grade.Error is not null || grade.Attempts is not { Count: > 0 } attempts ? null
        : options.MissingScoresAsZero ? attempts.Select(a => a.Score ?? 0).ToList()
        : Scored(attempts);

    // With the quirk, an original grade without attempts (failed, or never made) reads as one attempt scored 0.
    private static IReadOnlyList<double>? OriginalScores(JudgeVerdict? grade, CrossJudgeAnalysisOptions options) =>
        options.MissingScoresAsZero
            ? grade?.Attempts is { Count: > 0 } attempts ? attempts.Select(a => a.Score ?? 0).ToList() : [0]
            : grade is { Error: null, Attempts: { } scored } ? Scored(scored) : null;

    private static List<double>? Scored(IReadOnlyList<Attempt> attempts) =>
        attempts.Where(a => a.Score is not null).Select(a => a.Score!.Value).ToList() is { Count: > 0 } scores ? scores : null;

    private static void AddRow(List<CrossJudgeRow> rows, string judge, SampledTrial sampled, IReadOnlyList<double>? scores, CrossJudgeAnalysisOptions options)
    {
        if (scores is null) return;
        var target = options.TargetModelFromFileName && sampled.Trial.SourceFile is { } file ? TargetModelFromFileName(file) : sampled.TargetModel;
        double first = scores[0], last = scores[^1];
        rows.Add(new CrossJudgeRow(judge, sampled.Key, target, first, last, scores.Count, scores.Count > 1 ? last - first : 0));
    }

    private static double Pearson(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : double.NaN;
    }

    [GeneratedRegex("70B", RegexOptions.IgnoreCase)]
    private static partial Regex Llama70B();

    [GeneratedRegex(@"(?<![0-9])8B", RegexOptions.IgnoreCase)]
    private static partial Regex Llama8B();
}
