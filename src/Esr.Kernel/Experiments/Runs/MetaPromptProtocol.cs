using System.Text.Json.Nodes;
using Esr.Kernel.Results;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>
/// Experiment 5 (ESR_SPEC §6): each source prompt rendered by each meta-prompt template at the stored threshold, new
/// seeds; each variant is a condition. Templates come from a <c>--variants</c> file, else the data folder's
/// <see cref="PromptVariantFile.FileName"/>, else the paper's four.
/// </summary>
public sealed class MetaPromptProtocol : SteeringProtocol
{
    /// <inheritdoc />
    public override string Id => "5";

    /// <inheritdoc />
    public override string Title => "Meta-prompting";

    /// <inheritdoc />
    public override string Description => "Meta-prompt variants of the --from-results prompts at the stored thresholds";

    /// <inheritdoc />
    public override IReadOnlyList<string> Figures => ["4", "4-variants", "combined"];

    /// <inheritdoc />
    public override bool NeedsSource => true;

    /// <inheritdoc />
    public override bool NeedsSourceThresholds => true;

    /// <inheritdoc />
    public override bool KeepsErroredSourceTrials => false;

    /// <inheritdoc />
    public override ExperimentSettings Defaults(ExperimentSettings basis, PaperConfiguration? paper) => basis with { PromptVariants = PromptVariant.Paper };

    /// <inheritdoc />
    public override ExperimentSettings WithData(ExperimentSettings settings, SteeringData data)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Variants is { } file && File.Exists(file)) return settings with { PromptVariants = PromptVariantFile.Read(file) };
        var dataFile = Path.Combine(data.DataDirectory, PromptVariantFile.FileName);
        var variants = File.Exists(dataFile) ? PromptVariantFile.Read(dataFile) : settings.PromptVariants;
        if (data.Variants is { } ids)
        {
            var wanted = ids.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            foreach (var id in wanted.Where(id => variants.All(v => v.Id != id)))
                throw new EsrInputException($"--variants: '{id}' is neither a file nor a known variant id (known: {string.Join(", ", variants.Select(v => v.Id))})");
            variants = variants.Where(v => wanted.Contains(v.Id)).ToArray();
        }
        return settings with { PromptVariants = variants };
    }

    /// <inheritdoc />
    public override string PaperFileName(string model, string stamp, string condition) =>
        $"experiment_5_prompt_variants_{model}_{SafeFileName.From(condition)}_{stamp}";

    /// <inheritdoc />
    public override void AddPaperFields(JsonObject config, JsonObject extras, RunManifest manifest, ExperimentSettings settings, string condition)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(extras);
        ArgumentNullException.ThrowIfNull(settings);
        var variant = settings.PromptVariants.FirstOrDefault(v => v.Id == condition);
        config["prompt_variant_id"] = condition;
        config["prompt_variant_template"] = variant?.Template;
        extras["experiment_metadata"] = new JsonObject
        {
            ["experiment_name"] = "experiment_5_prompt_variants", ["prompt_variant_id"] = condition,
            ["prompt_variant_template"] = variant?.Template, ["source_results_file"] = settings.FromResults,
        };
    }
}
