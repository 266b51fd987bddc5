using Microsoft.Data.Analysis;
using Esr.Kernel.Judging;

namespace Esr.Kernel.Results;

/// <summary>Trials as a DataFrame for notebooks and front ends: one row per trial, its grade reduced to the scores the metrics read.</summary>
public static class TrialFrame
{
    /// <summary>
    /// Columns: key, experiment, model, condition, latent, latent_label, prompt, boost, threshold (null without one),
    /// seed, response, judge, attempts (the judge's attempt count), first_score and last_score (the first and last
    /// attempt's score, null without one), error (the trial's, its verdict's or its latent's).
    /// </summary>
    public static DataFrame Of(IEnumerable<TrialRecord> trials)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var rows = trials.ToArray();
        IReadOnlyList<double?> Scores(TrialRecord trial) => trial.Verdict?.Attempts?.Select(attempt => attempt.Score).ToArray() ?? [];
        return new DataFrame(
            new StringDataFrameColumn("key", rows.Select(t => t.Key)),
            new Int32DataFrameColumn("experiment", rows.Select(t => t.Experiment)),
            new StringDataFrameColumn("model", rows.Select(t => t.Model)),
            new StringDataFrameColumn("condition", rows.Select(t => t.Condition)),
            new Int32DataFrameColumn("latent", rows.Select(t => t.Latent)),
            new StringDataFrameColumn("latent_label", rows.Select(t => t.LatentLabel)),
            new StringDataFrameColumn("prompt", rows.Select(t => t.Prompt)),
            new DoubleDataFrameColumn("boost", rows.Select(t => t.Boost)),
            new DoubleDataFrameColumn("threshold", rows.Select(t => t.Threshold)),
            new Int32DataFrameColumn("seed", rows.Select(t => t.Seed)),
            new StringDataFrameColumn("response", rows.Select(t => t.Response)),
            new StringDataFrameColumn("judge", rows.Select(t => t.Judge)),
            new Int32DataFrameColumn("attempts", rows.Select(t => Scores(t).Count)),
            new DoubleDataFrameColumn("first_score", rows.Select(t => Scores(t) is [var first, ..] ? first : null)),
            new DoubleDataFrameColumn("last_score", rows.Select(t => Scores(t) is [.., var last] ? last : null)),
            new StringDataFrameColumn("error", rows.Select(t => t.Error ?? t.Verdict?.Error ?? t.LatentError)));
    }
}
