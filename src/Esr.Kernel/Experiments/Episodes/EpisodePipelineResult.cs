using System.Text.Json.Nodes;
using Esr.Kernel.Analysis;
using Esr.Kernel.Analysis.Figures;
using Esr.Kernel.Formats;
using Microsoft.Data.Analysis;

namespace Esr.Kernel.Experiments.Episodes;

/// <summary>What the episode pipeline produced, beside its files.</summary>
/// <param name="Episodes">The extracted episodes.</param>
/// <param name="Annotations">Their boundary annotations, in episode order.</param>
/// <param name="Activations">The valid episodes' activations.</param>
/// <param name="OffTopicDetectors">OTD group and per-latent region statistics.</param>
/// <param name="Backtracking">Backtracking group and per-latent region statistics.</param>
/// <param name="Baseline">The baseline statistics.</param>
/// <param name="Overlay">Figure A.15's window data (columns otd_* and bt_*).</param>
/// <param name="MedianCorrectionLength">Figure A.15's median correction length in tokens.</param>
public sealed record EpisodePipelineResult(
    IReadOnlyList<Episode> Episodes,
    IReadOnlyList<BoundaryAnnotation> Annotations,
    IReadOnlyList<EpisodeActivations> Activations,
    (GroupRegionStats Group, IReadOnlyList<LatentRegionStats> Latents) OffTopicDetectors,
    (GroupRegionStats Group, IReadOnlyList<LatentRegionStats> Latents) Backtracking,
    BaselineStatistics Baseline,
    DataFrame Overlay,
    double MedianCorrectionLength)
{
    /// <summary>The file experiment 9 saves <see cref="BaselineComparison"/> to.</summary>
    public const string BaselineComparisonCsvFile = "experiment_9_baseline_comparison.csv";

    /// <summary>The file experiment 9 saves <see cref="Overlay"/> to.</summary>
    public const string OverlayCsvFile = "experiment_9_aligned_overlay.csv";

    /// <summary>
    /// Reads a saved <see cref="Overlay"/> (CSV, invariant culture) back as Figure A.15's input, with each episode's
    /// correction length from the <see cref="ActivationCollection.MetadataFile"/> experiment 9 writes beside it.
    /// </summary>
    /// <exception cref="InvalidDataException">Either file is missing or not what experiment 9 writes; the message names the file and what was expected.</exception>
    public static CorrectionAlignedData ReadOverlay(string path)
    {
        string[] columns = ["offset", "n_episodes", .. new[] { "otd", "bt" }.SelectMany(group => new[] { "mean", "sd", "sem", "smoothed" }.Select(part => $"{group}_{part}"))];
        var frame = CsvTable.Load(path, columns, [typeof(int), typeof(int), .. Enumerable.Repeat(typeof(double), columns.Length - 2)], "experiment 9's aligned overlay");
        var metadata = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, ActivationCollection.MetadataFile);
        if (!File.Exists(metadata))
            throw new InvalidDataException($"{metadata}: missing; experiment 9 writes it beside {Path.GetFileName(path)} with each episode's correction and on-topic tokens");
        var episodes = JsonNode.Parse(File.ReadAllText(metadata))?["episodes"] as JsonArray
            ?? throw new InvalidDataException($"{metadata}: expected an \"episodes\" array");
        int Token(JsonNode? episode, string field) => episode?[field] is JsonValue value && value.TryGetValue(out int token)
            ? token : throw new InvalidDataException($"{metadata}: every episode needs an integer \"{field}\"");
        var lengths = AlignedOverlay.CorrectionLengths(episodes.Select(e => (Token(e, "correction_start_token"), Token(e, "on_topic_start_token"))));
        return new CorrectionAlignedData(frame, lengths, AlignedOverlay.MedianCorrectionLength(lengths));
    }

    /// <summary>Reads a saved <see cref="BaselineComparison"/> (CSV, invariant culture) back as Figure A.16's input.</summary>
    /// <exception cref="InvalidDataException">The file is not that table; the message names the file and what was expected.</exception>
    public static RegionComparison ReadBaselineComparison(string path)
    {
        var frame = CsvTable.Load(path, ["condition", "mean", "sd", "ratio_to_baseline"],
            [typeof(string), typeof(double), typeof(double), typeof(double)], "experiment 9's baseline comparison");
        if (frame.Rows.Count != 3)
            throw new InvalidDataException($"{path}: expected 3 rows (off-topic, on-topic, baseline), found {frame.Rows.Count}");
        double Value(string column, int row) => (double)(frame[column][row] ?? double.NaN);
        return new RegionComparison(Value("mean", 0), Value("sd", 0), Value("mean", 1), Value("sd", 1), Value("mean", 2), Value("sd", 2));
    }

    /// <summary>
    /// Figure A.16's bars: self-correction off-topic and on-topic (the OTD group's latent-level mean ± population SD)
    /// and the no-self-correction baseline (mean ± SD across episodes), each with its ratio to the baseline.
    /// </summary>
    public DataFrame BaselineComparison()
    {
        var group = OffTopicDetectors.Group;
        var baselineMeans = Baseline.OffTopicDetectorMeans;
        double baseline = baselineMeans.Count == 0 ? double.NaN : baselineMeans.Average();
        double[] means = [group.OffTopicMean, group.OnTopicMean, baseline];
        return new DataFrame(
            new StringDataFrameColumn("condition", ["Self-correction off-topic", "Self-correction on-topic", "No self-correction baseline"]),
            new DoubleDataFrameColumn("mean", means),
            new DoubleDataFrameColumn("sd", [group.OffTopicSd, group.OnTopicSd, PairedTests.PopulationSd(baselineMeans)]),
            new DoubleDataFrameColumn("ratio_to_baseline", means.Select(m => m / baseline)));
    }

    /// <summary>
    /// The summary table (rows "OTDs (n)" and "Backtracking (n)"): each region's latent-level mean and SD, the
    /// group's one-sided Wilcoxon p (off-topic &gt; on-topic) and Cohen's d.
    /// </summary>
    public DataFrame SummaryTable()
    {
        (string Name, GroupRegionStats Stats)[] rows =
        [
            ($"OTDs ({OffTopicDetectors.Group.LatentCount})", OffTopicDetectors.Group),
            ($"Backtracking ({Backtracking.Group.LatentCount})", Backtracking.Group),
        ];
        return new DataFrame(
            new StringDataFrameColumn("group", rows.Select(r => r.Name)),
            new DoubleDataFrameColumn("off_topic_mean", rows.Select(r => r.Stats.OffTopicMean)),
            new DoubleDataFrameColumn("off_topic_sd", rows.Select(r => r.Stats.OffTopicSd)),
            new DoubleDataFrameColumn("correction_mean", rows.Select(r => r.Stats.CorrectionMean)),
            new DoubleDataFrameColumn("correction_sd", rows.Select(r => r.Stats.CorrectionSd)),
            new DoubleDataFrameColumn("on_topic_mean", rows.Select(r => r.Stats.OnTopicMean)),
            new DoubleDataFrameColumn("on_topic_sd", rows.Select(r => r.Stats.OnTopicSd)),
            new DoubleDataFrameColumn("wilcoxon_p", rows.Select(r => r.Stats.Wilcoxon.PValue)),
            new DoubleDataFrameColumn("cohens_d", rows.Select(r => r.Stats.CohensD)));
    }
}
