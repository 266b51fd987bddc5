using Esr.Kernel.Results;
using Microsoft.Data.Analysis;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>Figure A.3 (Exp 8): overlaid histograms of first-attempt scores and the mean first-attempt score per model.</summary>
public static class FirstAttemptFigure
{
    /// <summary>The histogram edges: 21 from 0 to 100 (bins of 5 points).</summary>
    public static IReadOnlyList<double> Edges { get; } = Histogram.LinearEdges(0, 100, 21);

    /// <summary>
    /// Rows per model family (<see cref="ModelStyle.FamilyOf"/>: layer variants pooled; "model" holds the family).
    /// <see cref="FirstAttemptFigureData.Summary"/>: one row per family, largest first (model, display_name,
    /// parameters_b, the <see cref="EsrMetrics.ByGroups"/> columns; first_attempt_score/_se are drawn).
    /// <see cref="FirstAttemptFigureData.Histogram"/>: model, bin_low, bin_high, bin_centre, count, density.
    /// </summary>
    public static FirstAttemptFigureData Build(IEnumerable<TrialRecord> trials, MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var graded = TrialSelection.Graded(trials).ToList();
        var firsts = EsrMetrics.Counted(graded, options).Select(c => (Model: ScoreDeltaFigure.Family(c.Trial), First: c.Scores[0])).ToList();
        var summary = new FrameBuilder();
        var histogram = new FrameBuilder();
        foreach (var style in ModelStyle.LargestFirst(graded.Select(ScoreDeltaFigure.Family)))
        {
            summary.Add(style).Add(EsrMetrics.Summarize(graded.Where(t => ScoreDeltaFigure.Family(t) == style.Model), options));
            summary.EndRow();
            ScoreDeltaFigure.AddHistogram(histogram, style.Model, firsts.Where(f => f.Model == style.Model).Select(f => f.First).ToList(), Edges);
        }
        return new(summary.ToFrame(), histogram.ToFrame());
    }
}

/// <summary>The data of Figure A.3.</summary>
/// <param name="Summary">One row per model, largest first.</param>
/// <param name="Histogram">Each model's first-attempt score histogram.</param>
public sealed record FirstAttemptFigureData(DataFrame Summary, DataFrame Histogram);
