using Esr.Kernel.Results;
using Microsoft.Data.Analysis;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>
/// Figure 2 (Exp 1), its include-degraded appendix variant and Figure A.2 (Exp 8): per model a histogram of score
/// deltas, the multi-attempt % and either the ESR rate or the mean improvement over all trials (ESR_SPEC §6).
/// </summary>
public static class ScoreDeltaFigure
{
    /// <summary>The histogram bin width, 200/30 score points.</summary>
    public const double BinWidth = 200.0 / 30;

    /// <summary>
    /// The figure's data, one row per model family (<see cref="ModelStyle.FamilyOf"/>: layer variants pooled; the
    /// column "model" holds the family). <see cref="ScoreDeltaFigureData.Summary"/>: one row per family, largest first, with
    /// model, display_name, parameters_b and every <see cref="EsrMetrics.ByGroups"/> column (the sidecar's
    /// multi_attempt_pct/_se, msi/_se, improvement_rate = % of multi-attempts improved, esr_rate/_se,
    /// msi_all_trials/_se, n). <see cref="ScoreDeltaFigureData.Histogram"/>: model, bin_low, bin_high, bin_centre,
    /// count, density over the multi-attempt deltas. <see cref="ScoreDeltaFigureData.Deltas"/>: model, score_delta.
    /// </summary>
    public static ScoreDeltaFigureData Build(IEnumerable<TrialRecord> trials, ScoreDeltaPanel rightPanel = ScoreDeltaPanel.EsrRate, MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var graded = TrialSelection.Graded(trials).ToList();
        var models = ModelStyle.LargestFirst(graded.Select(Family));
        var deltas = EsrMetrics.Counted(graded, options)
            .Where(c => c.Scores.Count > 1)
            .Select(c => (Model: Family(c.Trial), Delta: c.Scores[^1] - c.Scores[0]))
            .ToList();
        var edges = Histogram.CentredEdges(-100, 100, BinWidth);

        var summary = new FrameBuilder();
        var histogram = new FrameBuilder();
        var deltaRows = new FrameBuilder();
        foreach (var style in models)
        {
            summary.Add(style).Add(EsrMetrics.Summarize(graded.Where(t => Family(t) == style.Model), options));
            summary.EndRow();
            var values = deltas.Where(d => d.Model == style.Model).Select(d => d.Delta).ToList();
            AddHistogram(histogram, style.Model, values, edges);
            foreach (var v in values)
            {
                deltaRows.Add("model", style.Model).Add("score_delta", v);
                deltaRows.EndRow();
            }
        }
        return new(summary.ToFrame(), histogram.ToFrame(), deltaRows.ToFrame(), rightPanel);
    }

    /// <summary>The family a graded trial's row is pooled under (<see cref="ModelStyle.FamilyOf"/>).</summary>
    internal static string Family(GradedTrial trial) => ModelStyle.FamilyOf(trial.Keys["model"]);

    /// <summary>Appends one model's bins: model, bin_low, bin_high, bin_centre, count, density.</summary>
    internal static void AddHistogram(FrameBuilder frame, string model, IReadOnlyList<double> values, IReadOnlyList<double> edges)
    {
        var counts = Histogram.Counts(values, edges);
        var densities = Histogram.Densities(counts, edges);
        for (int i = 0; i < counts.Length; i++)
        {
            frame.Add("model", model).Add("bin_low", edges[i]).Add("bin_high", edges[i + 1])
                .Add("bin_centre", (edges[i] + edges[i + 1]) / 2).Add("count", counts[i]).Add("density", densities[i]);
            frame.EndRow();
        }
    }
}

/// <summary>What the right-hand panel of a score-delta figure shows.</summary>
public enum ScoreDeltaPanel
{
    /// <summary>ESR rate ±1.96·SE (Figure 2).</summary>
    EsrRate,

    /// <summary>Mean improvement over all trials, 0 for single attempts (appendix A.1.4 variant, Figure A.2).</summary>
    MeanImprovementAllTrials,
}

/// <summary>The data of a score-delta figure (see <see cref="ScoreDeltaFigure.Build"/>).</summary>
/// <param name="Summary">One row per model, largest first.</param>
/// <param name="Histogram">The density histogram of each model's multi-attempt score deltas.</param>
/// <param name="Deltas">Every multi-attempt score delta (the sidecar's score_deltas).</param>
/// <param name="RightPanel">What the right panel shows.</param>
public sealed record ScoreDeltaFigureData(DataFrame Summary, DataFrame Histogram, DataFrame Deltas, ScoreDeltaPanel RightPanel);
