using System.Globalization;
using Esr.Kernel.Experiments.CrossJudge;
using Esr.Kernel.Experiments.Episodes;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Results;
using Microsoft.Data.Analysis;
using Esr.Kernel.Tests.Experiments.Readouts;
using Esr.Kernel.Tests.Models;
using static Esr.Kernel.Tests.Analysis.Figures.SyntheticTrials;

namespace Esr.Kernel.Tests.Analysis.Figures;

/// <summary>
/// A small folder of everything the catalog's figures read: a run with the trials of every condition and a sweep run
/// with its threshold-cache statistics (under <c>runs</c>), and the files experiments 6, 7 and 9 write (under
/// <c>experiment-&lt;id&gt;</c>).
/// </summary>
internal sealed class FigureResultsFolder : IDisposable
{
    private readonly TemporaryDirectory folder = new();

    private FigureResultsFolder()
    {
    }

    public string Runs => folder.File("runs");

    public static async Task<FigureResultsFolder> CreateAsync()
    {
        var results = new FigureResultsFolder();
        await WriteRunAsync(Path.Combine(results.Runs, "trials"), null,
        [
            Trial("llama-3.3-70b", "steered", [10, 60]), Trial("llama-3.3-70b", "steered", [20]),
            Trial("gemma-2-2b", "steered", [30, 70]), Trial("llama-3.1-8b", "steered", [40, 50]), Trial("llama-3.1-8b", "steered", [15]),
            Trial("masked-ratio-50pct-merged", "steered", [20, 30]), Trial("masked-ratio-50pct-merged", "steered", [25]),
            Trial("llama-3.3-70b", "no_steering", [80]), Trial("gemma-2-2b", "no_steering", [70, 90]),
            Trial("llama-3.3-70b", "self_monitor", [10, 80]), Trial("llama-3.1-8b", "self_monitor", [30, 60]),
            Trial("llama-3.3-70b", "ablation", [20], ablated: 26), Trial("llama-3.3-70b", "ablation", [20, 40], ablated: 26),
            Trial("llama-3.3-70b", "random_ablation_set0", [10, 30], ablated: 26),
        ]);
        await WriteRunAsync(Path.Combine(results.Runs, "sweep"), new ThresholdCacheStats(4, 2),
        [
            Trial("gemma-2-2b", "boost_sweep", [10], boost: 2), Trial("gemma-2-2b", "boost_sweep", [20, 80], boost: 4),
            Trial("gemma-2-2b", "boost_sweep", [30], boost: 8),
        ]);
        JsonResultFile.Write(Path.Combine(results.Experiment("6"), "experiment_6_sequential_activations.json"), SequentialReadouts.Small().ToJson());
        var grades = new[] { "judge-a", "judge-b" }.SelectMany(judge => Enumerable.Range(0, 4).Select(i =>
            new CrossJudgeRow(judge, $"t{i}", i % 2 == 0 ? "llama-3.3-70b" : "gemma-2-2b-it", 10, i == 0 ? 80 : 10, i == 0 ? 2 : 1, i == 0 ? 70 : 0)));
        DataFrame.SaveCsv(CrossJudgeAnalysis.RowsFrame(grades.ToList()), Path.Combine(results.Experiment("7"), CrossJudgeAnalysis.RowsCsvFile),
            cultureInfo: CultureInfo.InvariantCulture);
        File.WriteAllText(Path.Combine(results.Experiment("9"), EpisodePipelineResult.BaselineComparisonCsvFile),
            "condition,mean,sd,ratio_to_baseline\nSelf-correction off-topic,0.0119,0.004,4.4\nSelf-correction on-topic,0.0058,0.002,2.1\nNo self-correction baseline,0.0027,0.001,1\n");
        WriteOverlay(results.Experiment("9"));
        return results;
    }

    /// <summary>
    /// Writes what experiment 9 saves for Figure A.15 into <paramref name="folder"/>, for two episodes of latents 1
    /// (detector) and 2 (backtracking): a [1, 2, 3, 4, 5, 6] with correction 1 and on-topic 4, and b [2, 2, 2, 2, 2, 2]
    /// with correction 5 and no return (on-topic −1).
    /// </summary>
    public static void WriteOverlay(string folder)
    {
        EpisodeActivations Episode(string id, float[] detector, int correction, int on) =>
            new(new Episode(id, Trials.Make(1, 1, null), 0, 50, "", ""), BoundaryAnnotation.Failed(null, "test"),
                Enumerable.Repeat("t", detector.Length).ToList(), 0, 0, correction, on,
                new Dictionary<int, float[]> { [1] = detector, [2] = [.. detector.Select(value => value / 2)] });
        EpisodeActivations[] episodes = [Episode("ep_a", [1, 2, 3, 4, 5, 6], correction: 1, on: 4), Episode("ep_b", [2, 2, 2, 2, 2, 2], correction: 5, on: -1)];
        ActivationCollection.Write(folder, episodes, [1], [2]);
        Esr.Kernel.Formats.CsvTable.Save(AlignedOverlay.Build(episodes, [("otd", [1]), ("bt", [2])], before: 3, after: 3),
            Path.Combine(folder, EpisodePipelineResult.OverlayCsvFile));
    }

    /// <summary>The folder of experiment <paramref name="id"/>'s output (created).</summary>
    public string Experiment(string id) => Directory.CreateDirectory(folder.File("experiment-" + id)).FullName;

    /// <summary>What <paramref name="figure"/>'s results are in this folder.</summary>
    public string ResultsOf(FigureDefinition figure) => figure switch
    {
        ExperimentOutputFigure { Input: FigureInput.ExperimentFile } file => Path.Combine(Experiment(file.Experiment), file.FileName),
        ExperimentOutputFigure output => Experiment(output.Experiment),
        _ => Runs,
    };

    public void Dispose() => folder.Dispose();

    private static async Task WriteRunAsync(string directory, ThresholdCacheStats? stats, TrialRecord[] trials)
    {
        var store = new RunStore(directory);
        await store.StartOrResumeAsync(new RunManifest("1", "1.0", 5, trials[0].Model, "sha256:aa", "sha256:bb", "scripted", null,
            new ExperimentSettings { Model = trials[0].Model }.ToJson(), new Dictionary<string, string>()) { ThresholdCacheStats = stats, CreatedUtc = DateTimeOffset.UnixEpoch });
        await store.AppendAsync(trials);
    }
}
