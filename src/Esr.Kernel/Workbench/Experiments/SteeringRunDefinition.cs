using Esr.Kernel.Experiments;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Judging;
using Esr.Kernel.Options;

namespace Esr.Kernel;

/// <summary>
/// A steering experiment (1, 2, 3, 4, 5, 8, 10) in the catalog: its <see cref="SteeringProtocol"/> with the options
/// every steering run takes, run by <see cref="SteeringRun"/>. Settings are the experiment's defaults (the paper's
/// configuration for a paper short name), then <c>--config</c>, then the options.
/// </summary>
public sealed class SteeringRunDefinition : ExperimentDefinition
{
    /// <summary>The environment variable naming the data folder (prompts.txt, meta_prompts.json, detector lists).</summary>
    public const string DataDirectoryVariable = "ESR_DATA_DIR";

    internal SteeringRunDefinition(SteeringProtocol protocol) => Protocol = protocol;

    /// <summary>What the experiment changes in the run engine.</summary>
    public SteeringProtocol Protocol { get; }

    /// <inheritdoc />
    public override string Id => Protocol.Id;

    /// <inheritdoc />
    public override string Title => Protocol.Title;

    /// <inheritdoc />
    public override string Description => Protocol.Description;

    /// <inheritdoc />
    public override IReadOnlyList<string> Figures => Protocol.Figures;

    /// <inheritdoc />
    public override IReadOnlyList<OptionSpec> Options => SteeringOptions;

    /// <summary>Its settings' defaults for a paper configuration or, when null, a model directory (<see cref="ExperimentSettings.ForExperiment"/>).</summary>
    public ExperimentSettings Defaults(PaperConfiguration? paper = null, string? modelName = null) => ExperimentSettings.ForExperiment(Id, paper, modelName);

    /// <inheritdoc />
    protected override Task<ExperimentRunResult> RunCheckedAsync(OptionValues values, IProgress<RunProgress>? progress, CancellationToken cancellationToken) =>
        SteeringRun.RunAsync(Protocol, values, progress, cancellationToken);

    /// <summary>The options of every steering run.</summary>
    internal static IReadOnlyList<OptionSpec> SteeringOptions { get; } =
    [
        OptionSpec.Text("--model", "Model directory, a toy model's name, or a paper short name (llama-3.3-70b, llama-3.1-8b, gemma-2-2b, ...) found in the Hugging Face cache", "dir|name", required: true),
        OptionSpec.Path("--sae", "SAE path (a paper or toy name's SAE by default)", "path"),
        OptionSpec.Integer("--layer", "Steering block L (blocks.L.resid_post; a Gemma paper name's blocks.L.mlp_out)", minimum: 0, helpName: "L"),
        OptionSpec.Integer("--readout-layer", "Block the relevance filter reads (default: the paper's, else --layer)", minimum: 0, helpName: "L"),
        OptionSpec.Text("--judge", $"Judge alias or model id, {LocalChatClient.Prefix}<dir>, an OpenAI-compatible endpoint URL, or {JudgeFactory.Toy} (the toy world's exact judge, no model)", "alias|url|toy", required: true),
        OptionSpec.Text("--judge-model", "Model name sent to a --judge endpoint URL (default: judge)", "name"),
        CommonOptions.ApiKeyEnv("With a --judge or --grader URL: the environment variable holding its key"),
        OptionSpec.Path("--judge-cache", "A judge cache folder", "dir"),
        CommonOptions.JudgePromptFile,
        OptionSpec.Path("--labels", "Label CSV (index_in_sae,label,...); without it the concreteness filter is skipped", "csv"),
        OptionSpec.Text("--grader",
            $"Concreteness grader of the --labels: alias, model id, {LocalChatClient.Prefix}<dir>, an OpenAI-compatible endpoint URL, "
            + $"or {JudgeFactory.NoGrader} to skip the filter (default with --labels: the paper's {ConcretenessGrader.PaperModel})", "alias|model|url|none"),
        OptionSpec.Text("--grader-model", "Model name sent to a --grader endpoint URL (default: grader)", "name"),
        OptionSpec.Path("--grader-cache",
            $"Concreteness score cache, shared by runs and shards (default ${JudgeFactory.CacheVariable}/concreteness, else $XDG_CACHE_HOME/esr/concreteness, else ~/.cache/esr/concreteness)", "dir"),
        OptionSpec.Path("--data-dir", $"Folder with prompts.txt, meta_prompts.json, off_topic_detectors_paper26.json, random_control_sets.json (default ${DataDirectoryVariable})", "dir"),
        OptionSpec.Path("--config", "JSON file of experiment settings (snake_case; see docs/EXPERIMENTS.md)", "file.json"),
        OptionSpec.Path("--out", "Run folder (default runs/experiment-<id>-<model>-seed<N>); resumed when it holds a partial run", "dir"),
        OptionSpec.Text("--shard", "Run shard i of n (by latent); merge with 'esr experiment merge'", "i/n"),
        OptionSpec.Integer("--seed", "Run seed: latents, prompts and per-trial seeds derive from it", defaultValue: 0),
        OptionSpec.Path("--from-results", "A run folder or a paper result JSON whose latents, thresholds and prompts are reused", "path"),
        OptionSpec.Integer("--n-features", "Latents to select", minimum: 1),
        OptionSpec.Text("--latents", "Steer these latents instead of selecting them: l1,l2,... or a file of latents (one per line or comma-separated; a toy model's subject_latents.txt)", "list|file"),
        OptionSpec.Integer("--n-trials", "Prompts per latent", minimum: 1),
        OptionSpec.Integer("--max-tokens", "Most new tokens per trial (512)", minimum: 1),
        OptionSpec.Integer("--calibration-max-tokens", "Most new tokens in calibration (256)", minimum: 1),
        OptionSpec.Integer("--calibration-steps", "Bisection steps per latent", minimum: 1),
        OptionSpec.Number("--repetition-penalty", "Repetition penalty (default by model, as the shipped code)"),
        OptionSpec.Flag("--no-paper-extra-header", "Do not append the paper's extra Llama assistant header (quirk 4)"),
        OptionSpec.OptionalFlag("--paper-final-norm", "Llama only: the paper's final-norm quirk (quirk 6); default on for a Llama paper name, off otherwise; --paper-final-norm false turns it off"),
        OptionSpec.Flag("--fresh-prompts", "With --from-results: draw new prompts per latent instead of reusing the source's"),
        OptionSpec.Integer("--n-prompts", "Prompts the relevance filter reads (default all)", minimum: 1),
        OptionSpec.Flag("--recalibrate-thresholds", "Ignore --from-results thresholds; calibrate on this model"),
        OptionSpec.Path("--threshold-cache", "Threshold cache file (default in the run folder)", "file.json"),
        OptionSpec.Text("--ablate", "Detectors: l1,l2,... or a JSON file with off_topic_detectors (Exp 3, 10; default the data folder's paper set)", "list|file"),
        OptionSpec.Path("--match-random-sets",
            "Exp 10: draw each random latent among the 10 whose firing rate over this run's responses (read unsteered; e.g. experiment 8's) is nearest a detector's, "
            + "the paper's stated control (its code draws uniformly)", "run"),
        OptionSpec.Text("--variants", $"Exp 5: a {PromptVariantFile.FileName} of variants (default the data folder's, else the paper's four) or comma-separated ids of them (default all)", "ids|file"),
        OptionSpec.Choice("--relevance", "Relevance filter: all_zero (code), top100 (paper notes) or none", ["all_zero", "top100", "none"]) with { HelpName = "rule" },
        OptionSpec.Integer("--batch-size", "Generations per batch", defaultValue: 16, minimum: 1),
        OptionSpec.Integer("--judge-concurrency", "Judge calls in flight", defaultValue: 8, minimum: 1),
        OptionSpec.Integer("--calibration-concurrency", "Latents calibrating at once (their generations share batches)", defaultValue: 8, minimum: 1),
        CommonOptions.Dtype,
        CommonOptions.Device,
    ];
}
