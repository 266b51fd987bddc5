using Esr.Kernel.Experiments;
using Microsoft.Data.Analysis;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>Figure 5 (Exp 3): pooled steered baseline against pooled off-topic-detector ablation.</summary>
public static class AblationFigure
{
    /// <summary>The detector-set sizes of the paper's ablation files.</summary>
    public static IReadOnlyList<int> PaperDetectorCounts { get; } = [22, 25, 26];

    /// <summary>
    /// Two rows, condition "baseline" then "ablation", each with n, multi_attempt, improved and the
    /// <see cref="EsrMetrics.ByGroups"/> estimate columns; plus the reductions (baseline − ablation)/baseline·100 of
    /// the multi-attempt % and the ESR rate. Baseline trials have condition <paramref name="baselineCondition"/>;
    /// ablation trials condition <paramref name="ablationCondition"/> and, when <paramref name="detectorCounts"/>
    /// is given (e.g. <see cref="PaperDetectorCounts"/>), that many ablated latents.
    /// </summary>
    public static AblationFigureData Build(
        IEnumerable<TrialRecord> trials,
        string baselineCondition = "steered",
        string ablationCondition = "ablation",
        IReadOnlyCollection<int>? detectorCounts = null,
        MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var list = trials.ToList();
        var baseline = EsrMetrics.Summarize(TrialSelection.Graded(list.Where(t => t.Condition == baselineCondition)), options);
        var ablation = EsrMetrics.Summarize(TrialSelection.Graded(list.Where(t =>
            t.Condition == ablationCondition && (detectorCounts is null || detectorCounts.Contains(t.AblatedLatents.Count)))), options);
        var frame = new FrameBuilder();
        frame.Add("condition", "baseline").Add(baseline).EndRow();
        frame.Add("condition", "ablation").Add(ablation).EndRow();
        return new(frame.ToFrame(),
            Reduction(baseline.MultiAttemptPercent.Value, ablation.MultiAttemptPercent.Value),
            Reduction(baseline.EsrRate.Value, ablation.EsrRate.Value));
    }

    /// <summary>(baseline − ablation)/baseline·100; NaN when the baseline is 0.</summary>
    public static double Reduction(double baseline, double ablation) => baseline == 0 ? double.NaN : (baseline - ablation) / baseline * 100;
}

/// <summary>The data of Figure 5.</summary>
/// <param name="Conditions">Rows "baseline" and "ablation".</param>
/// <param name="MultiAttemptReduction">Relative reduction of the multi-attempt %, in percent.</param>
/// <param name="EsrReduction">Relative reduction of the ESR rate, in percent.</param>
public sealed record AblationFigureData(DataFrame Conditions, double MultiAttemptReduction, double EsrReduction);
