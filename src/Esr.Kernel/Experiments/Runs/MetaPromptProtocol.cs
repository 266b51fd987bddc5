using System.Text.Json.Nodes;
using Esr.Kernel.Results;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>
/// Experiment 5 (ESR_SPEC §6): each source prompt rendered by each meta-prompt template at the stored threshold, new
/// seeds; each variant is a condition. Templates come from the data folder's meta_prompts.json, else the paper's four.
/// </summary>
public sealed class MetaPromptProtocol : SteeringProtocol
{
    /// <summary>The data folder's templates: <c>{"variants": [{"id", "template"}, ...]}</c>.</summary>
    public const string TemplatesFile = "meta_prompts.json";

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
        var variants = Templates(Path.Combine(data.DataDirectory, TemplatesFile)) ?? settings.PromptVariants;
        if (data.Variants is { } ids)
        {
            var wanted = ids.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            foreach (var id in wanted.Where(id => variants.All(v => v.Id != id)))
                throw new EsrInputException($"--variants: unknown variant '{id}' (known: {string.Join(", ", variants.Select(v => v.Id))})");
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

    // The templates of a meta_prompts.json, or null when the file is absent.
    private static PromptVariant[]? Templates(string path)
    {
        if (!File.Exists(path)) return null;
        var variants = JsonNode.Parse(File.ReadAllText(path))?["variants"] as JsonArray
            ?? throw new EsrInputException($"{path}: expected a 'variants' array");
        return variants.Select((v, i) => new PromptVariant(
            v?["id"]?.GetValue<string>() ?? throw new EsrInputException($"{path}: variants[{i}] has no string 'id'"),
            v["template"]?.GetValue<string>() ?? throw new EsrInputException($"{path}: variants[{i}] has no string 'template'"))).ToArray();
    }
}
