using System.Globalization;
using Esr.Kernel.Experiments;
using Esr.Kernel.Experiments.Episodes;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Formats;
using Esr.Kernel.Options;
using Esr.Kernel.Saes;
using Esr.Kernel.Toy;

namespace Esr.Kernel;

/// <summary>
/// Experiment 9 (ESR_SPEC §7.2): self-correction episodes of the trials, their boundaries annotated by an LLM, the
/// unsteered activations over them and the region statistics of the detectors and backtracking latents (Figures A.15
/// and A.16's input).
/// </summary>
public sealed class EpisodesDefinition : ExperimentDefinition
{
    /// <inheritdoc />
    public override string Id => "9";

    /// <inheritdoc />
    public override string Title => "Self-correction episodes";

    /// <inheritdoc />
    public override string Description =>
        "Experiment 9: self-correction episodes, boundary annotation, unsteered activations and region statistics (ESR_SPEC §7.2)";

    /// <inheritdoc />
    public override IReadOnlyList<string> Figures => ["A15", "A16"];

    /// <inheritdoc />
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        ReadoutRuns.Trials,
        ReadoutRuns.Model,
        ReadoutRuns.Sae,
        ReadoutRuns.Layer,
        OptionSpec.Text("--annotator", $"The boundary annotator: an alias or model id (the paper: sonnet-4.5), or {ToyBoundaryAnnotator.Name} (the toy world's exact judge, no model)", "alias", defaultValue: "sonnet-4.5"),
        OptionSpec.Text("--base-url", "An OpenAI-compatible endpoint for the annotator", "url"),
        CommonOptions.ApiKeyEnv("With --base-url: the environment variable holding the key"),
        OptionSpec.Path("--out", "The activation_stats folder", "dir", required: true),
        OptionSpec.Path("--labels", "A label CSV for the backtracking keyword search", "file.csv"),
        ReadoutRuns.Detectors,
        OptionSpec.Text("--backtracking-latents", "The backtracking latents, comma-separated (default: the paper's 16)", "i,j,..."),
        OptionSpec.Flag("--aligned-boundaries", "Map boundaries to the tokens that hold them (the paper's rule lands ≈17 characters early)"),
        OptionSpec.Flag("--exclude-ablation", "Leave out trials of ablation runs (the paper includes them)"),
        OptionSpec.Integer("--baseline-limit", "Baseline episodes drawn", defaultValue: 50, minimum: 0),
        CommonOptions.Dtype,
        CommonOptions.Device,
    ];

    /// <inheritdoc />
    protected override async Task<ExperimentRunResult> RunCheckedAsync(OptionValues values, IProgress<RunProgress>? progress, CancellationToken cancellationToken)
    {
        var records = ReadoutRuns.ReadTrials(values, cancellationToken);
        var labels = values.OptionalText("--labels") is { } csv ? LatentLabels.Load(csv) : null;
        var (loaded, readout) = ReadoutRuns.Load(values, null, paperExtraHeader: false, paperFinalNorm: false);
        using (loaded)
        {
            var options = new EpisodePipelineOptions
            {
                OffTopicDetectors = ReadoutRuns.DetectorsOf(values),
                BacktrackingLatents = values.OptionalText("--backtracking-latents") is { } list
                    ? LatentList.Parse("--backtracking-latents", list) : BacktrackingKeywords.PaperLatents,
                Mapping = values.Flag("--aligned-boundaries") ? BoundaryMapping.Aligned : BoundaryMapping.Paper,
                IncludeAblationTrials = !values.Flag("--exclude-ablation"),
                BaselineLimit = values.Integer("--baseline-limit"),
            };
            ReadoutRuns.RequireLatents(readout.Sae, [.. options.OffTopicDetectors, .. options.BacktrackingLatents]);
            var (annotator, owned) = Annotator(values);
            using var _ = owned;
            var folder = values.Text("--out");
            var labelled = labels is null ? null : Enumerable.Range(0, readout.Sae.LatentCount).Where(labels.HasLabel).Select(l => (l, labels[l]));
            var result = await EpisodePipeline.RunAsync(readout, records, annotator, folder, labelled, options, cancellationToken).ConfigureAwait(false);
            Func<int, string>? label = labels is null ? null : l => labels[l];
            var tables = new (Microsoft.Data.Analysis.DataFrame Frame, string File)[]
            {
                (result.Overlay, EpisodePipelineResult.OverlayCsvFile),
                (result.BaselineComparison(), EpisodePipelineResult.BaselineComparisonCsvFile),
                (result.SummaryTable(), "summary_table.csv"),
                (RegionStatistics.Table(result.OffTopicDetectors.Latents, label), "otd_table.csv"),
                (RegionStatistics.Table(result.Backtracking.Latents, label), "backtracking_table.csv"),
            };
            var files = tables.Select(table => Path.Combine(folder, table.File)).ToArray();
            foreach (var (table, file) in tables.Zip(files)) CsvTable.Save(table.Frame, file);
            var report = $"{result.Episodes.Count} episodes, {result.Activations.Count} with valid boundaries, "
                + $"{result.Baseline.OffTopicDetectorMeans.Count} baseline; OTD off-topic mean "
                + $"{result.OffTopicDetectors.Group.OffTopicMean.ToString("G4", CultureInfo.InvariantCulture)}, on-topic "
                + $"{result.OffTopicDetectors.Group.OnTopicMean.ToString("G4", CultureInfo.InvariantCulture)}; wrote {folder}";
            return new ExperimentRunResult(Id, Path.GetFullPath(folder), report) { Files = files };
        }
    }

    // The toy world's exact annotator calls no model; any other value is a chat model the caller disposes.
    private static (IBoundaryAnnotator Annotator, IDisposable? Owned) Annotator(OptionValues values)
    {
        if (values.Text("--annotator") == ToyBoundaryAnnotator.Name)
            return values.OptionalText("--base-url") is null
                ? (new ToyBoundaryAnnotator(), null)
                : throw new EsrInputException($"--annotator {ToyBoundaryAnnotator.Name} calls no model: it takes no --base-url");
        var (chat, modelId, _) = JudgeFactory.CreateChatClient("--annotator", values.Text("--annotator"), values.OptionalText("--base-url"), values.OptionalText("--api-key-env"));
        return (new BoundaryAnnotator(chat, modelId), chat);
    }
}
