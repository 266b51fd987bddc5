using Esr.Kernel.Results;
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
    /// the multi-attempt % and the ESR rate. Only the ablated model's trials count
    /// (<see cref="TrialSelection.AblatedModel"/>: the 70B in the paper); of those, baseline trials have condition
    /// <paramref name="baselineCondition"/>, ablation trials condition <paramref name="ablationCondition"/> and a
    /// number of ablated latents in <paramref name="detectorCounts"/> (null: <see cref="PaperDetectorCounts"/>, as
    /// plot_exp3.py; empty: any number).
    /// </summary>
    public static AblationFigureData Build(
        IEnumerable<TrialRecord> trials,
        string baselineCondition = "steered",
        string ablationCondition = "ablation",
        IReadOnlyCollection<int>? detectorCounts = null,
        MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var list = TrialSelection.AblatedModel(trials, t => t.Condition == ablationCondition).ToList();
        var baseline = EsrMetrics.Summarize(TrialSelection.Graded(list.Where(t => t.Condition == baselineCondition)), options);
        var ablation = EsrMetrics.Summarize(TrialSelection.Graded(list.Where(t =>
            t.Condition == ablationCondition && HasDetectorCount(t, detectorCounts))), options);
        var frame = new FrameBuilder();
        frame.Add("condition", "baseline").Add(baseline).EndRow();
        frame.Add("condition", "ablation").Add(ablation).EndRow();
        return new(frame.ToFrame(),
            Reduction(baseline.MultiAttemptPercent.Value, ablation.MultiAttemptPercent.Value),
            Reduction(baseline.EsrRate.Value, ablation.EsrRate.Value));
    }

    /// <summary>
    /// True when the trial ablated a number of latents in <paramref name="detectorCounts"/> (null:
    /// <see cref="PaperDetectorCounts"/>; empty: any number).
    /// </summary>
    public static bool HasDetectorCount(TrialRecord trial, IReadOnlyCollection<int>? detectorCounts)
    {
        ArgumentNullException.ThrowIfNull(trial);
        var counts = detectorCounts ?? PaperDetectorCounts;
        return counts.Count == 0 || counts.Contains(trial.AblatedLatents.Count);
    }

    /// <summary>(baseline − ablation)/baseline·100; NaN when the baseline is 0.</summary>
    public static double Reduction(double baseline, double ablation) => baseline == 0 ? double.NaN : (baseline - ablation) / baseline * 100;
}

/// <summary>The data of Figure 5.</summary>
/// <param name="Conditions">Rows "baseline" and "ablation".</param>
/// <param name="MultiAttemptReduction">Relative reduction of the multi-attempt %, in percent.</param>
/// <param name="EsrReduction">Relative reduction of the ESR rate, in percent.</param>
public sealed record AblationFigureData(DataFrame Conditions, double MultiAttemptReduction, double EsrReduction);
