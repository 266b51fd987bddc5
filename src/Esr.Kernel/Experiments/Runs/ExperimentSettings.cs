using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Esr.Kernel.Hooks;
using Esr.Kernel.Models;
using Esr.Kernel.Results;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>
/// Everything that decides which trials an experiment run makes and how (ESR_SPEC §1.5, §3, §4, §6): the run's
/// config, stored in its manifest and compared on resume. Defaults are Exp 1's; <see cref="ForExperiment"/> gives
/// each experiment's (its <see cref="SteeringProtocol"/>). Loaded from a JSON file (snake_case names) with the command line on top.
/// </summary>
public sealed record ExperimentSettings
{
    /// <summary>The experiment id: "1", "2", "3" (ablation, part B), "4", "5", "8" or "10".</summary>
    public string Experiment { get; init; } = "1";

    /// <summary>The model's short name (a paper short name or the model folder's name).</summary>
    public string Model { get; init; } = "";

    /// <summary>Latents to select (§3).</summary>
    public int NFeatures { get; init; } = 500;

    /// <summary>
    /// Latents to steer, given instead of selected (§3 is skipped; null selects). For models whose interesting latents
    /// are known, e.g. a toy model's subject latents.
    /// </summary>
    public IReadOnlyList<int>? Latents { get; init; }

    /// <summary>Distinct prompts per latent (5 everywhere in the paper).</summary>
    public int TrialsPerFeature { get; init; } = 5;

    /// <summary>Candidates drawn per wanted latent (3 × n_features).</summary>
    public int CandidateMultiplier { get; init; } = 3;

    /// <summary>Least concreteness score a label needs (65).</summary>
    public double MinConcreteness { get; init; } = 65;

    /// <summary>The concreteness grader's name (its model id), or null when the concreteness filter is skipped.</summary>
    public string? ConcretenessGrader { get; init; }

    /// <summary>The relevance filter's rule (the code's all-zero rule by default).</summary>
    public RelevanceRule RelevanceFilter { get; init; } = RelevanceRule.AllZero;

    /// <summary>Prompts used by the relevance filter, null for all (the original's --n-prompts).</summary>
    public int? RelevancePrompts { get; init; }

    /// <summary>The threshold search (§4); the default is the Llama-3.1-8B Exp-1 preset.</summary>
    public ThresholdSearchSettings Calibration { get; init; } = ThresholdSearchSettings.Llama8B;

    /// <summary>Most new tokens inside calibration (512 // 2 = 256).</summary>
    public int CalibrationMaxTokens { get; init; } = 256;

    /// <summary>Whether a verification generation at the found threshold records its achieved score.</summary>
    public bool VerifyThreshold { get; init; } = true;

    /// <summary>Most new tokens per trial (512).</summary>
    public int MaxNewTokens { get; init; } = 512;

    /// <summary>Sampling temperature (0.6 in every experiment).</summary>
    public double Temperature { get; init; } = 0.6;

    /// <summary>Nucleus mass (1, the engine default).</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>vLLM repetition penalty; by model in the shipped code (70B 1.2, 8B 1.15, else 1.1).</summary>
    public double RepetitionPenalty { get; init; } = 1.1;

    /// <summary>The Llama extra BOS + assistant header quirk (§1.5, §11 quirk 4).</summary>
    public bool PaperExtraAssistantHeader { get; init; } = true;

    /// <summary>The steered block L (interventions at blocks.L.{<see cref="SaeSite"/>}).</summary>
    public int SteeringBlock { get; init; }

    /// <summary>The block the relevance filter reads.</summary>
    public int ReadoutBlock { get; init; }

    /// <summary>
    /// Where in a block the SAE reads, steers and clamps: <c>resid_post</c>, or a Gemma paper configuration's
    /// <c>mlp_out</c> (§1.3, §11 quirk 5: the fork encoded Gemma-2's MLP branch).
    /// </summary>
    public string SaeSite { get; init; } = HookPoint.ResidualPost;

    /// <summary>The paper's Llama final-norm quirk (§11 quirk 6, <see cref="CausalLanguageModel.PaperFinalNorm"/>).</summary>
    public bool PaperFinalNorm { get; init; }

    /// <summary>The hook point steered: <c>blocks.{SteeringBlock}.{SaeSite}</c>.</summary>
    [JsonIgnore]
    public HookPoint SteeringHook => new(SteeringBlock, SaeSite);

    /// <summary>The hook point the relevance filter reads: <c>blocks.{ReadoutBlock}.{SaeSite}</c>.</summary>
    [JsonIgnore]
    public HookPoint ReadoutHook => new(ReadoutBlock, SaeSite);

    /// <summary>The SAE's latent count (Exp 10 draws random latents from all of them).</summary>
    public int SaeWidth { get; init; }

    /// <summary>No intervention; thresholds recorded as 0 (Exp 8).</summary>
    public bool NoSteering { get; init; }

    /// <summary>A previous run folder or paper result JSON whose latents, thresholds and prompts are reused.</summary>
    public string? FromResults { get; init; }

    /// <summary>Ignore stored thresholds and calibrate on this model (Exp 4).</summary>
    public bool RecalibrateThresholds { get; init; }

    /// <summary>With a source, draw fresh prompts per latent instead of reusing its prompt lists (the original's --fresh-prompts).</summary>
    public bool FreshPrompts { get; init; }

    /// <summary>Replay each source trial's exact prompt and seed (Exp 3 and 10 with --from-results).</summary>
    public bool ReplaySourceTrials { get; init; }

    /// <summary>Boost levels of a sweep (10 in Exp 2); null when trials use the latent's threshold.</summary>
    public int? BoostLevelCount { get; init; }

    /// <summary>The sweep spans mean ± this many population SDs of the cache (3).</summary>
    public double BoostRangeStd { get; init; } = 3.0;

    /// <summary>Latents zero-clamped at the steering block in every generation (Exp 3's detectors).</summary>
    public IReadOnlyList<int> AblateLatents { get; init; } = [];

    /// <summary>Random ablation sets (Exp 10: 3); each draws as many latents as <see cref="AblateLatents"/> holds, excluding them.</summary>
    public int RandomAblationSets { get; init; }

    /// <summary>Set i's RNG is seeded with this + i (42 as the original).</summary>
    public int RandomAblationBaseSeed { get; init; } = 42;

    /// <summary>The random ablation sets given as data (set i = entry i) instead of drawn; null draws them.</summary>
    public IReadOnlyList<IReadOnlyList<int>>? RandomAblationLatents { get; init; }

    /// <summary>The data file <see cref="RandomAblationLatents"/> were read from (its name), null when drawn or given in a config file.</summary>
    public string? RandomAblationSetsFile { get; init; }

    /// <summary>
    /// A run (folder or paper result JSON) whose responses give the latents' firing rates the random sets are matched to
    /// (<see cref="MatchedRandomSets"/>, the paper's stated control); null draws them uniformly, as the paper's code.
    /// </summary>
    public string? RandomAblationMatchedTo { get; init; }

    /// <summary>Meta-prompt variants (Exp 5); empty elsewhere.</summary>
    public IReadOnlyList<PromptVariant> PromptVariants { get; init; } = [];

    /// <summary>True when the run uses the separate <c>_with_ablation</c> threshold cache (ablation calibrated here).</summary>
    [JsonIgnore]
    public bool UsesAblationCache => AblateLatents.Count > 0 && RandomAblationSets == 0;

    /// <summary>The repetition penalty the original gave its fine-tuned Llama-3.1-8B merges (their paths name no model size).</summary>
    public const double FineTunedRepetitionPenalty = 1.1;

    /// <summary>
    /// The defaults of one steering experiment (<see cref="SteeringProtocol.Defaults"/>) for a paper configuration or,
    /// when null, a generic model (repetition penalty by <paramref name="modelName"/> as the shipped code, when given).
    /// </summary>
    /// <exception cref="ArgumentException">The experiment is not a steering run.</exception>
    public static ExperimentSettings ForExperiment(string experiment, PaperConfiguration? paper = null, string? modelName = null)
    {
        var protocol = SteeringProtocols.Get(experiment);
        var basis = new ExperimentSettings { Experiment = experiment };
        if (paper is not null)
        {
            basis = basis with
            {
                Model = paper.ShortName, Calibration = paper.Calibration, RepetitionPenalty = paper.RepetitionPenalty,
                SteeringBlock = paper.SteeringBlock, ReadoutBlock = paper.ReadoutBlock, SaeWidth = paper.SaeWidth,
                NFeatures = paper.ShortName == "llama-3.3-70b" ? 10 : 500, SaeSite = paper.SaeSite, PaperFinalNorm = paper.PaperFinalNorm,
            };
        }
        else if (modelName is not null)
        {
            basis = basis with { RepetitionPenalty = RepetitionPenaltyFor(modelName) };
        }
        return protocol.Defaults(basis, paper);
    }

    /// <summary>
    /// The shipped code's repetition penalty by substring of the model's name, first match in this order (§1.5):
    /// "70b" 1.2, "8b" 1.15, "27b", "9b", "2b" 1.1, otherwise 1.1. The name is the model folder's or the Hugging Face
    /// repository's (<c>ModelReference.NameOf</c>), not a whole path: the folders above a model say nothing about it.
    /// </summary>
    public static double RepetitionPenaltyFor(string modelName)
    {
        var path = (modelName ?? "").ToLowerInvariant();
        if (path.Contains("70b", StringComparison.Ordinal)) return 1.2;
        return path.Contains("8b", StringComparison.Ordinal) ? 1.15 : 1.1;
    }

    /// <summary>The settings as a JSON object (the manifest's config).</summary>
    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this, TrialJson.Options)!.AsObject();

    /// <summary>Reads settings from a JSON file; absent fields keep the values of <paramref name="defaults"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a JSON object of settings; the message names the file and field.</exception>
    public static ExperimentSettings Load(string path, ExperimentSettings defaults)
    {
        JsonObject file;
        try
        {
            file = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new InvalidDataException($"{path}: expected a JSON object of experiment settings");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not JSON ({e.Message})", e);
        }
        var merged = defaults.ToJson();
        var known = merged.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, value) in file)
        {
            if (!known.Contains(key))
                throw new InvalidDataException($"{path}: unknown field '{key}' (known: {string.Join(", ", known.Order(StringComparer.Ordinal))})");
            merged[key] = value?.DeepClone();
        }
        ExperimentSettings settings;
        try
        {
            settings = merged.Deserialize<ExperimentSettings>(TrialJson.Options)!;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: field '{e.Path?.TrimStart('$', '.')}' has the wrong type ({e.Message})", e);
        }
        if (!HookPoint.SiteNames.Contains(settings.SaeSite))
            throw new InvalidDataException($"{path}: field 'sae_site' is '{settings.SaeSite}' (expected one of {string.Join(", ", HookPoint.SiteNames)})");
        foreach (var (field, value, least) in CountFields(settings))
            if (value < least)
                throw new InvalidDataException($"{path}: field '{field}' is {value} (expected at least {least})");
        if (!(settings.BoostRangeStd > 0))
            throw new InvalidDataException($"{path}: field 'boost_range_std' is {settings.BoostRangeStd} (expected a positive number)");
        return settings;
    }

    // The counts a settings file may set, with the least each takes (the planner would fail on less, without naming them).
    private static IEnumerable<(string Field, int? Value, int Least)> CountFields(ExperimentSettings s) =>
    [
        ("n_features", s.NFeatures, 1), ("trials_per_feature", s.TrialsPerFeature, 1), ("candidate_multiplier", s.CandidateMultiplier, 1),
        ("relevance_prompts", s.RelevancePrompts, 1), ("calibration_max_tokens", s.CalibrationMaxTokens, 1), ("max_new_tokens", s.MaxNewTokens, 1),
        ("boost_level_count", s.BoostLevelCount, 2), ("random_ablation_sets", s.RandomAblationSets, 0),
    ];
}
