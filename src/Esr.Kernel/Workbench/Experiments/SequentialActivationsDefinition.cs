using Esr.Kernel.Experiments;
using Esr.Kernel.Experiments.Episodes;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Experiments.SequentialActivations;
using Esr.Kernel.Formats;
using Esr.Kernel.Options;
using Esr.Kernel.Results;
using Esr.Kernel.Toy;

namespace Esr.Kernel;

/// <summary>
/// Experiment 6 (ESR_SPEC §6): per-token activations of the steered latent, the off-topic detectors and the latents of
/// interest over one example, read while steering as the paper did. Writes the readout JSON (Figure 6's input) and,
/// when asked, the per-token table.
/// </summary>
public sealed class SequentialActivationsDefinition : ExperimentDefinition
{
    /// <inheritdoc />
    public override string Id => "6";

    /// <inheritdoc />
    public override string Title => "Sequential activations";

    /// <inheritdoc />
    public override string Description =>
        "Experiment 6: per-token activations of the distractor, the off-topic detectors and latent 33044 over one steered example (ESR_SPEC §6)";

    /// <inheritdoc />
    public override IReadOnlyList<string> Figures => ["6"];

    /// <inheritdoc />
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        ReadoutRuns.Model,
        ReadoutRuns.Sae,
        ReadoutRuns.Layer,
        OptionSpec.Integer("--steer-layer", "Block steered with the example's latent (the paper's 70B: 33; default --layer)", minimum: 0),
        OptionSpec.Path("--example", "The example (figure6_example.json)", "file.json", required: true),
        ReadoutRuns.Detectors,
        OptionSpec.Text("--interest-latents", "Latents plotted on their own and left out of the detector sum, comma-separated (default: 33044)", "i,j,..."),
        OptionSpec.Flag("--unsteered", "Read without steering (the paper reads while steering)"),
        OptionSpec.Choice("--regions", $"Figure 6's shaded regions: paper (its 70B example's hard-coded token positions) or {ToyBoundaryAnnotator.Name} (the example's own parts, from the toy world's exact judge)",
            ["paper", ToyBoundaryAnnotator.Name], "paper"),
        OptionSpec.Path("--out", "The JSON to write (experiment_6_sequential_activations.json)", "file.json", required: true),
        OptionSpec.Path("--table", "Also write Figure 6's per-token table as CSV", "file.csv"),
        CommonOptions.Dtype,
        CommonOptions.Device,
    ];

    /// <inheritdoc />
    protected override Task<ExperimentRunResult> RunCheckedAsync(OptionValues values, IProgress<RunProgress>? progress, CancellationToken cancellationToken)
    {
        var example = SequentialExample.Load(values.Text("--example"));
        var (loaded, readout) = ReadoutRuns.Load(values, values.OptionalInteger("--steer-layer"), paperExtraHeader: false, paperFinalNorm: false);
        using (loaded)
        {
            var options = new SequentialActivationsOptions
            {
                OffTopicDetectors = ReadoutRuns.DetectorsOf(values), Steered = !values.Flag("--unsteered"), Boundaries = ToyBoundaries(values, example),
            };
            if (values.OptionalText("--interest-latents") is { } list)
            {
                var known = options.LatentsOfInterest;
                options = options with
                {
                    LatentsOfInterest = LatentList.Parse("--interest-latents", list).Distinct()
                        .ToDictionary(l => l, l => known.TryGetValue(l, out var label) ? label : ""),
                };
            }
            ReadoutRuns.RequireLatents(readout.Sae, [example.Latent, .. options.OffTopicDetectors, .. options.LatentsOfInterest.Keys]);
            var result = SequentialActivationsExperiment.Run(readout, example, options);
            var outFile = values.Text("--out");
            JsonResultFile.Write(outFile, result.ToJson());
            var files = new List<string> { outFile };
            if (values.OptionalText("--table") is { } table)
            {
                CsvTable.Save(result.ToDataFrame(), table);
                files.Add(table);
            }
            var report = $"{result.TokenStrings.Count} tokens, {result.SummedDetectors.Count} detectors in the sum; wrote {outFile}";
            return Task.FromResult(new ExperimentRunResult(Id, ReadoutRuns.FolderOf(outFile), report) { Files = files });
        }
    }

    // --regions toy: the exact judge's boundaries of the example, which must have all three parts.
    private static BoundaryAnnotation? ToyBoundaries(OptionValues values, SequentialExample example)
    {
        if (values.Text("--regions") != ToyBoundaryAnnotator.Name) return null;
        var boundaries = new ToyBoundaryAnnotator().Annotate(example.Prompt, example.Response);
        return boundaries.Valid ? boundaries
            : throw new EsrInputException($"--regions {ToyBoundaryAnnotator.Name}: --example '{values.Text("--example")}': {boundaries.Error}");
    }
}
