using Esr.Kernel.Results;
using Microsoft.Data.Analysis;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>The combined prompting-vs-fine-tuning figure: ESR rate of baseline, meta-prompted and fine-tuned 8B.</summary>
public static class PromptingVsFinetuningFigure
{
    /// <summary>The masked ratio of the fine-tuned bar.</summary>
    public const int FineTunedRatio = 50;

    /// <summary>The bars in order: id, label, colour.</summary>
    public static IReadOnlyList<(string Id, string Label, string Colour)> Bars { get; } =
    [
        ("baseline", "Baseline", "#7f7f7f"),
        ("meta_prompted", "Meta-Prompted", "#E67E22"),
        ("fine_tuned", "Fine-Tuned", "#2E86C1"),
    ];

    /// <summary>
    /// Three rows (bar, label, the <see cref="EsrMetrics.ByGroups"/> columns; esr_rate/_se drawn): baseline = the
    /// pooled trials of condition <paramref name="baselineCondition"/> on models without a masked ratio (Llama-3.1-8B's
    /// when present: <see cref="TrialSelection.FineTuningBase"/>); meta_prompted = condition
    /// <paramref name="metaPromptCondition"/>, chosen the same way; fine_tuned = the 50 % masked-ratio model's
    /// most recent file. Degraded outputs are always excluded here, as in the paper.
    /// </summary>
    public static DataFrame Build(IEnumerable<TrialRecord> trials, string baselineCondition = "steered", string metaPromptCondition = MetaPromptFigure.SelfMonitor)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var list = trials.ToList();
        var options = MetricOptions.Paper with { ExcludeDegraded = true };
        var selections = new[]
        {
            TrialSelection.FineTuningBase(list.Where(t => MaskedRatioFigure.RatioOf(t.Model) is null && t.Condition == baselineCondition)),
            TrialSelection.FineTuningBase(list.Where(t => MaskedRatioFigure.RatioOf(t.Model) is null && t.Condition == metaPromptCondition)),
            TrialSelection.LatestFilePer(list.Where(t => MaskedRatioFigure.RatioOf(t.Model) == FineTunedRatio), _ => "fine_tuned"),
        };
        var frame = new FrameBuilder();
        for (int i = 0; i < Bars.Count; i++)
        {
            frame.Add("bar", Bars[i].Id).Add("label", Bars[i].Label).Add(EsrMetrics.Summarize(TrialSelection.Graded(selections[i]), options));
            frame.EndRow();
        }
        return frame.ToFrame();
    }
}
