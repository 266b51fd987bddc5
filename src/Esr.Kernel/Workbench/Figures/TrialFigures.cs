using Esr.Kernel.Analysis.Figures;
using static Esr.Kernel.FigureRequestFields;

namespace Esr.Kernel;

/// <summary>The paper's figures drawn from trial results (docs/FIGURES.md has the table of builders and frames).</summary>
public static class TrialFigures
{
    /// <summary>Figure 2: ESR across models (Exp 1's steered trials, fine-tuned models left out).</summary>
    public static TrialFigure Figure2 { get; } = new("2", "ESR across models (Exp 1)", ExcludeDegraded,
        input => ScoreDeltaChart.Create(ScoreDeltaFigure.Build(input.Trials, ScoreDeltaPanel.EsrRate, input.Metrics)))
    { Condition = "steered", ExcludesFineTuned = true };

    /// <summary>Figure 2's appendix variant (A.1.4): the right panel is the mean improvement over all trials.</summary>
    public static TrialFigure Figure2Degraded { get; } = new("2-degraded", "Figure 2's appendix variant: mean improvement over all trials (A.1.4)", ExcludeDegraded,
        input => ScoreDeltaChart.Create(ScoreDeltaFigure.Build(input.Trials, ScoreDeltaPanel.MeanImprovementAllTrials, input.Metrics),
            "ESR across models (mean improvement over all trials)"))
    { Condition = "steered", ExcludesFineTuned = true };

    /// <summary>Figure 3: the boost sweep (Exp 2), boosts in SDs of the threshold cache that built the levels.</summary>
    public static TrialFigure Figure3 { get; } = new("3", "boost-level sweep (Exp 2)", ExcludeDegraded | BoostStatistics,
        input => BoostSweepChart.Create(BoostSweepFigure.Build(input.Trials,
            BoostNormalization.PerModel(input.Sources, input.Trials, input.Request.BoostMean, input.Request.BoostStd), input.Metrics)))
    { Condition = "boost_sweep" };

    /// <summary>Figure 4: baseline against self_monitor per model (Exp 5).</summary>
    public static TrialFigure Figure4 { get; } = new("4", "meta-prompting: baseline vs self_monitor per model (Exp 5)", ExcludeDegraded,
        input => MetaPromptChart.Figure4(MetaPromptFigure.Build(input.Trials, options: input.Metrics)))
    { ExcludesFineTuned = true };

    /// <summary>Figure 4's appendix bars: every meta-prompt variant of the request's one model.</summary>
    public static TrialFigure Figure4Variants { get; } = new("4-variants", "every meta-prompt variant of one --model (Exp 5 appendix)", ExcludeDegraded,
        input => MetaPromptChart.Variants(MetaPromptFigure.Build(input.Trials, options: input.Metrics),
            input.Request.Models is [var model] ? model : throw new EsrInputException("figure 4-variants needs exactly one --model")))
    { ExcludesFineTuned = true };

    /// <summary>Figure 5: the off-topic detector ablation (Exp 3).</summary>
    public static TrialFigure Figure5 { get; } = new("5", "off-topic detector ablation (Exp 3)", ExcludeDegraded | DetectorCounts,
        input => AblationChart.Create(AblationFigure.Build(input.Trials, detectorCounts: input.Request.DetectorCounts, options: input.Metrics)));

    /// <summary>Figure 7: the masked self-correction ratio sweep (Exp 4).</summary>
    public static TrialFigure Figure7 { get; } = new("7", "masked self-correction ratio sweep (Exp 4)", ExcludeDegraded,
        input => MaskedRatioChart.Create(MaskedRatioFigure.Build(input.Trials, options: input.Metrics)));

    /// <summary>Prompting against fine-tuning: ESR rate with degraded outputs always excluded.</summary>
    public static TrialFigure Combined { get; } = new("combined", "prompting vs fine-tuning ESR rate (degraded outputs excluded)", None,
        input => PromptingVsFinetuningChart.Create(PromptingVsFinetuningFigure.Build(input.Trials)));

    /// <summary>Figure A.2: the no-steering baseline in Figure 2's layout, with the mean improvement (Exp 8).</summary>
    public static TrialFigure FigureA2 { get; } = new("A2", "no-steering baseline, Figure-2 layout with mean improvement (Exp 8)", ExcludeDegraded,
        input => ScoreDeltaChart.Create(ScoreDeltaFigure.Build(input.Trials, ScoreDeltaPanel.MeanImprovementAllTrials, input.Metrics), "No-steering baseline"))
    { Condition = "no_steering", ExcludesFineTuned = true };

    /// <summary>Figure A.3: first-attempt scores without steering (Exp 8).</summary>
    public static TrialFigure FigureA3 { get; } = new("A3", "no-steering first-attempt scores (Exp 8)", ExcludeDegraded,
        input => FirstAttemptChart.Create(FirstAttemptFigure.Build(input.Trials, input.Metrics)))
    { Condition = "no_steering", ExcludesFineTuned = true };

    /// <summary>Figure A.14: the random-latent ablation control, aggregated per file (Exp 10).</summary>
    public static TrialFigure FigureA14 { get; } = new("A14", "random-latent ablation control, per-file aggregation (Exp 10)", ExcludeDegraded | DetectorCounts,
        input => FileAggregateChart.Create(FileAggregateFigure.Build(input.Trials, options: input.Metrics, detectorCounts: input.Request.DetectorCounts)));
}
