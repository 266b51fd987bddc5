using Esr.Kernel.Results;
using Microsoft.Data.Analysis;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>Figure 3 (Exp 2): ESR metrics per boost level, smoothed across levels (ESR_SPEC §6).</summary>
public static class BoostSweepFigure
{
    /// <summary>The three plotted series, top to bottom.</summary>
    public static IReadOnlyList<string> Series { get; } = ["multi_attempt_pct", "improvement_rate", "esr_rate"];

    /// <summary>Fewest levels that are smoothed.</summary>
    public const int MinimumLevelsToSmooth = 3;

    /// <summary>
    /// One row per (model, exact boost value), boosts ascending: model, boost, level (0-based index within the
    /// model), normalized_boost = (boost − μ)/σ, the <see cref="EsrMetrics.ByGroups"/> columns, and for each of
    /// <see cref="Series"/> the columns _smoothed and _se_smoothed: the value and SE series filtered with a Gaussian
    /// of σ = 0.5 levels (reflect boundary) when the model has at least 3 levels, else copied. Undefined values (an
    /// improvement rate with no multi-attempt trial) enter the smoothing as 0.
    /// </summary>
    public static DataFrame Build(IEnumerable<TrialRecord> trials, BoostNormalization normalization, MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(normalization);
        return Build(trials, _ => normalization, options);
    }

    /// <summary>
    /// The same frame, each model's boosts normalized by its own statistics (the paper's μ̄, σ̄: the average of the
    /// threshold-cache statistics of the model's files).
    /// </summary>
    /// <exception cref="ArgumentException">A model of the trials has no statistics.</exception>
    public static DataFrame Build(IEnumerable<TrialRecord> trials, IReadOnlyDictionary<string, BoostNormalization> byModel, MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(byModel);
        return Build(trials, model => byModel.TryGetValue(model, out var normalization)
            ? normalization
            : throw new ArgumentException($"No boost normalization for model \"{model}\".", nameof(byModel)), options);
    }

    private static DataFrame Build(IEnumerable<TrialRecord> trials, Func<string, BoostNormalization> normalizationOf, MetricOptions? options)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var frame = new FrameBuilder();
        foreach (var model in trials.GroupBy(t => t.Model).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var normalization = normalizationOf(model.Key);
            var levels = model.GroupBy(t => t.Boost).OrderBy(g => g.Key)
                .Select(g => (Boost: g.Key, Summary: EsrMetrics.Summarize(TrialSelection.Graded(g), options))).ToList();
            var smoothed = Series.ToDictionary(s => s, s => (
                Value: Smooth(levels.Select(l => EsrMetrics.Pick(l.Summary, s).Value).ToList()),
                Se: Smooth(levels.Select(l => EsrMetrics.Pick(l.Summary, s).StandardError).ToList())));
            for (int i = 0; i < levels.Count; i++)
            {
                frame.Add("model", model.Key).Add("boost", levels[i].Boost).Add("level", i)
                    .Add("normalized_boost", normalization.Normalize(levels[i].Boost)).Add(levels[i].Summary);
                foreach (var s in Series) frame.Add(s + "_smoothed", smoothed[s].Value[i]).Add(s + "_se_smoothed", smoothed[s].Se[i]);
                frame.EndRow();
            }
        }
        return frame.ToFrame();
    }

    private static double[] Smooth(IReadOnlyList<double> values)
    {
        var filled = values.Select(v => double.IsNaN(v) ? 0 : v).ToList();
        return filled.Count >= MinimumLevelsToSmooth ? GaussianSmoothing.Filter(filled, GaussianSmoothing.Figure3Sigma) : filled.ToArray();
    }
}
