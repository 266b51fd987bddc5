using Esr.Kernel.Experiments;
using Esr.Kernel.Experiments.Detectors;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Generation;
using Esr.Kernel.Options;
using Esr.Kernel.Results;

namespace Esr.Kernel;

/// <summary>
/// Experiment 3 part A (ESR_SPEC §7.1): off-topic detector discovery. Unsteered responses to the discovery prompts,
/// then each prompt read with its own and with other prompts' responses; latents that fire on enough shuffled pairs
/// and never on matched ones are detectors. Writes the detector file (docs/EXPERIMENTS_READOUTS.md).
/// </summary>
public sealed class DetectorDiscoveryDefinition : ExperimentDefinition
{
    /// <inheritdoc />
    public override string Id => "3a";

    /// <inheritdoc />
    public override string Title => "Off-topic detector discovery";

    /// <inheritdoc />
    public override string Description =>
        "Experiment 3 part A: find off-topic detector latents by contrasting prompts paired with their own and with other prompts' responses (ESR_SPEC §7.1)";

    /// <inheritdoc />
    public override IReadOnlyList<string> Figures => [];

    /// <inheritdoc />
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        ReadoutRuns.Model,
        ReadoutRuns.Sae,
        ReadoutRuns.Layer,
        OptionSpec.Path("--prompts", "The discovery prompts, one per line (the paper's 20: otd_discovery_prompts.txt)", "file", required: true),
        OptionSpec.Path("--out", "The detector file to write (off_topic_detectors_<model>.json)", "file.json", required: true),
        OptionSpec.Integer("--seed", "Seeds the response seeds, the derangement and the pair shuffle", defaultValue: 0),
        OptionSpec.Integer("--max-tokens", "New tokens per unsteered response", defaultValue: 512, minimum: 1),
        OptionSpec.Number("--temperature", "Sampling temperature of the responses", defaultValue: 0.6, minimum: 0),
        OptionSpec.Number("--repetition-penalty",
            "Repetition penalty of the responses (default: the model's by its path, as the original's generation path: 70b 1.2, 8b 1.15, else 1.1; "
            + "ESR_SPEC §1.5); the readout pass uses none", minimum: 0, minimumExclusive: true),
        OptionSpec.Integer("--batch-size", "Responses generated together", defaultValue: 8, minimum: 1),
        OptionSpec.Number("--epsilon", "The zero threshold of the detector rule", defaultValue: 1e-8, minimum: 0, minimumExclusive: true),
        OptionSpec.Number("--min-shuffled-fraction", "Share of shuffled samples a detector must fire on", defaultValue: 0.8, minimum: 0, maximum: 1),
        OptionSpec.Flag("--no-paper-extra-header",
            "Llama: do not append the paper's extra assistant header to the response prompts (ESR_SPEC §1.5 quirk 4; on by default, as the original's generation path)"),
        OptionSpec.Flag("--paper-final-norm", "Llama only: feed the final norm the last block's output plus its post-attention residual again, "
            + "as the paper's vLLM fork did (ESR_SPEC §11 quirk 6; off by default)"),
        CommonOptions.Dtype,
        CommonOptions.Device,
    ];

    /// <inheritdoc />
    protected override Task<ExperimentRunResult> RunCheckedAsync(OptionValues values, IProgress<RunProgress>? progress, CancellationToken cancellationToken)
    {
        var promptsFile = values.Text("--prompts");
        var prompts = PromptsFile.Read(promptsFile, "--prompts", minimum: 2);
        // Step 1's responses take the original's normal generation path; the readouts template without a generation prompt.
        var (loaded, readout) = ReadoutRuns.Load(values, null, !values.Flag("--no-paper-extra-header"), values.Flag("--paper-final-norm"));
        using (loaded)
        {
            var penalty = values.OptionalNumber("--repetition-penalty") ?? ExperimentSettings.RepetitionPenaltyFor(loaded.Reference.Name);
            var options = new DetectorDiscoveryOptions
            {
                Seed = values.Integer("--seed"),
                Sampling = new SamplingOptions(values.Number("--temperature"), 1.0, penalty, values.Integer("--max-tokens")),
                BatchSize = values.Integer("--batch-size"),
                Rule = new DetectorRule(values.Number("--epsilon"), values.Number("--min-shuffled-fraction")),
                ModelName = loaded.Name,
                PromptsFile = promptsFile,
            };
            var result = DetectorDiscovery.Run(readout, prompts, options, cancellationToken);
            var outFile = values.Text("--out");
            JsonResultFile.Write(outFile, result.ToJson());
            var report = $"{result.Detectors.Count} off-topic detectors over {prompts.Count} prompts: "
                + $"[{string.Join(", ", result.Detectors.Select(d => d.Latent))}]; wrote {outFile}";
            return Task.FromResult(new ExperimentRunResult(Id, ReadoutRuns.FolderOf(outFile), report) { Files = [outFile] });
        }
    }
}
