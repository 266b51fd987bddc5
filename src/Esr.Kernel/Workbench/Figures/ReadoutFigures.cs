using Esr.Kernel.Analysis.Figures;
using Esr.Kernel.Experiments.CrossJudge;
using Esr.Kernel.Experiments.Episodes;
using Esr.Kernel.Experiments.SequentialActivations;
using Plotly.NET;

namespace Esr.Kernel;

/// <summary>The paper's figures drawn from what the readout experiments (6, 7, 9) write.</summary>
public static class ReadoutFigures
{
    /// <summary>Figure 6: per-token detector sum and backtracking latent over one example (experiment 6's JSON).</summary>
    public static ExperimentOutputFigure Figure6 { get; } = new("6",
        "per-token detector and backtracking activations over one example (Exp 6; --results: its experiment_6_sequential_activations.json)",
        FigureInput.ExperimentFile, "6", "experiment_6_sequential_activations.json", file =>
        {
            var readout = SequentialActivationsFile.Load(file);
            return SequentialActivationChart.Create(SequentialActivationFigure.Build(readout), readout.Regions, readout.BacktrackingTitle);
        });

    /// <summary>Figure A.4: cross-judge mean score improvement (experiment 7's per-(judge, trial) table).</summary>
    public static ExperimentOutputFigure FigureA4 { get; } = CrossJudge("A4", "cross-judge mean score improvement per judge and model", "msi");

    /// <summary>Figure A.5: cross-judge ESR rate.</summary>
    public static ExperimentOutputFigure FigureA5 { get; } = CrossJudge("A5", "cross-judge ESR rate per judge and model", "esr_rate");

    /// <summary>Figure A.5's companion: cross-judge multi-attempt rate.</summary>
    public static ExperimentOutputFigure FigureA5Multi { get; } = CrossJudge("A5-multi", "cross-judge multi-attempt rate per judge and model", "multi_attempt_pct");

    /// <summary>Figure A.6: attempt counts between every pair of judges.</summary>
    public static ExperimentOutputFigure FigureA6 { get; } = CrossJudge("A6", "attempt counts between every pair of judges",
        grades => CrossJudgeChart.AttemptGrid(CrossJudgeFigure.AttemptPairs(grades)));

    /// <summary>Figure A.15: detector and backtracking activations aligned on the correction token (experiment 9).</summary>
    public static ExperimentOutputFigure FigureA15 { get; } = new("A15",
        "off-topic detector and backtracking activations aligned on the correction start (Exp 9; --results: its output folder)",
        FigureInput.ExperimentOutputFolder, "9", EpisodePipelineResult.OverlayCsvFile,
        file => CorrectionAlignedChart.Create(EpisodePipelineResult.ReadOverlay(file)));

    /// <summary>Figure A.16: off-topic detector activation in the self-correction regions against the baseline (experiment 9).</summary>
    public static ExperimentOutputFigure FigureA16 { get; } = new("A16",
        "off-topic detector activation: self-correction regions vs baseline (Exp 9; --results: its output folder)",
        FigureInput.ExperimentOutputFolder, "9", EpisodePipelineResult.BaselineComparisonCsvFile,
        file => RegionComparisonChart.Create(EpisodePipelineResult.ReadBaselineComparison(file)));

    private static ExperimentOutputFigure CrossJudge(string id, string shows, string metric) =>
        CrossJudge(id, shows, grades => CrossJudgeChart.Metric(CrossJudgeFigure.Metrics(grades), metric));

    private static ExperimentOutputFigure CrossJudge(string id, string shows, Func<Microsoft.Data.Analysis.DataFrame, GenericChart> chart) =>
        new(id, shows + " (Exp 7; --results: its output folder)", FigureInput.ExperimentOutputFolder, "7", CrossJudgeAnalysis.RowsCsvFile,
            file => chart(CrossJudgeAnalysis.LoadRowsFrame(file)));
}
