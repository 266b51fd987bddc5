using System.Globalization;
using Microsoft.Data.Analysis;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>
/// Figures A.4-A.6 (Exp 7): per judge and target model the MSI, ESR rate and multi-attempt rate, and the grid of
/// attempt counts between judges. Input: one row per (judge, trial) with the columns named in
/// <see cref="InputColumns"/>: judge (string), target_model (string), trial_id (string, the same trial under every
/// judge), first_score (double), last_score (double), n_attempts (int; rows whose grade failed are left out before).
/// </summary>
public static class CrossJudgeFigure
{
    /// <summary>The columns the input frame must have.</summary>
    public static IReadOnlyList<string> InputColumns { get; } = ["judge", "target_model", "trial_id", "first_score", "last_score", "n_attempts"];

    /// <summary>Attempt counts above this are drawn at it in the scatter grid.</summary>
    public const int AttemptAxisCap = 10;

    /// <summary>
    /// One row per (judge, target model), judges in order of first appearance, models Gemma small to large then
    /// Llama: judge, model, display_name, parameters_b, n, multi_attempt, improved, msi (mean of last − first over
    /// multi-attempt rows, with _se, _low, _high), multi_attempt_pct and esr_rate (Wald).
    /// </summary>
    public static DataFrame Metrics(DataFrame grades, double z = 1.96)
    {
        var rows = Read(grades);
        var frame = new FrameBuilder();
        foreach (var judge in rows.Select(r => r.Judge).Distinct())
        {
            foreach (var style in ModelStyle.GemmaThenLlama(rows.Where(r => r.Judge == judge).Select(r => r.Model)))
            {
                var group = rows.Where(r => r.Judge == judge && r.Model == style.Model).ToList();
                var multi = group.Where(r => r.Attempts > 1).ToList();
                int improved = multi.Count(r => r.Last > r.First);
                frame.Add("judge", judge).Add(style).Add("n", group.Count).Add("multi_attempt", multi.Count).Add("improved", improved)
                    .Add("msi", Estimate.Mean(multi.Select(r => r.Last - r.First).ToList(), z))
                    .Add("multi_attempt_pct", Estimate.Percentage(multi.Count, group.Count, z, IntervalMethod.Wald))
                    .Add("esr_rate", Estimate.Percentage(improved, group.Count, z, IntervalMethod.Wald));
                frame.EndRow();
            }
        }
        return frame.ToFrame();
    }

    /// <summary>
    /// For every ordered pair of judges (both orders, and each judge with itself), the trials both graded:
    /// judge_x, judge_y, trial_id, attempts_x, attempts_y (capped at <see cref="AttemptAxisCap"/>).
    /// </summary>
    public static DataFrame AttemptPairs(DataFrame grades)
    {
        var rows = Read(grades);
        var judges = rows.Select(r => r.Judge).Distinct().ToList();
        var byJudge = judges.ToDictionary(j => j, j => rows.Where(r => r.Judge == j).GroupBy(r => r.Trial).ToDictionary(g => g.Key, g => g.First().Attempts));
        var frame = new FrameBuilder();
        foreach (var x in judges)
            foreach (var y in judges)
                foreach (var (trial, ax) in byJudge[x].OrderBy(t => t.Key, StringComparer.Ordinal))
                {
                    if (!byJudge[y].TryGetValue(trial, out var ay)) continue;
                    frame.Add("judge_x", x).Add("judge_y", y).Add("trial_id", trial)
                        .Add("attempts_x", Math.Min(ax, AttemptAxisCap)).Add("attempts_y", Math.Min(ay, AttemptAxisCap));
                    frame.EndRow();
                }
        return frame.ToFrame();
    }

    /// <summary>Percentage of shared trials on which two judges count the same number of attempts (the scatter's label).</summary>
    public static double ExactAgreement(DataFrame pairs, string judgeX, string judgeY)
    {
        int shared = 0, same = 0;
        for (long i = 0; i < pairs.Rows.Count; i++)
        {
            if ((string)pairs["judge_x"][i] != judgeX || (string)pairs["judge_y"][i] != judgeY) continue;
            shared++;
            if ((int)pairs["attempts_x"][i] == (int)pairs["attempts_y"][i]) same++;
        }
        return shared == 0 ? double.NaN : 100.0 * same / shared;
    }

    private static List<(string Judge, string Model, string Trial, double First, double Last, int Attempts)> Read(DataFrame grades)
    {
        ArgumentNullException.ThrowIfNull(grades);
        foreach (var name in InputColumns)
            if (grades.Columns.IndexOf(name) < 0) throw new ArgumentException($"The cross-judge frame has no column \"{name}\" (expected {string.Join(", ", InputColumns)}).", nameof(grades));
        var rows = new List<(string, string, string, double, double, int)>();
        for (long i = 0; i < grades.Rows.Count; i++)
        {
            rows.Add((
                Convert.ToString(grades["judge"][i], CultureInfo.InvariantCulture) ?? "",
                Convert.ToString(grades["target_model"][i], CultureInfo.InvariantCulture) ?? "",
                Convert.ToString(grades["trial_id"][i], CultureInfo.InvariantCulture) ?? "",
                Convert.ToDouble(grades["first_score"][i], CultureInfo.InvariantCulture),
                Convert.ToDouble(grades["last_score"][i], CultureInfo.InvariantCulture),
                Convert.ToInt32(grades["n_attempts"][i], CultureInfo.InvariantCulture)));
        }
        return rows;
    }
}
