using System.Text.Json.Nodes;

namespace Esr.Kernel.Results;

/// <summary>
/// What a run folder was produced with: enough to refuse resuming or merging with anything else, and to say which
/// of the paper's quirks the run reproduced.
/// </summary>
/// <param name="Experiment">The experiment id ("1" ... "10").</param>
/// <param name="ProjectVersion">The workbench's assembly version that started the run.</param>
/// <param name="RunSeed">The one seed every latent, prompt list and per-trial seed derives from.</param>
/// <param name="Model">The model's short name.</param>
/// <param name="ModelHash">The <c>ModelIdentity</c> hash of the model folder.</param>
/// <param name="SaeHash">The <c>ModelIdentity</c> hash of the SAE file or folder.</param>
/// <param name="Judge">The judge's name.</param>
/// <param name="Shard">"i/n" for a shard, null for a whole run.</param>
/// <param name="Config">The experiment settings as JSON.</param>
/// <param name="Quirks">Every quirk option the run used, by name (see docs/EXPERIMENTS.md).</param>
public sealed record RunManifest(
    string Experiment,
    string ProjectVersion,
    int RunSeed,
    string Model,
    string ModelHash,
    string SaeHash,
    string Judge,
    string? Shard,
    JsonObject Config,
    IReadOnlyDictionary<string, string> Quirks)
{
    /// <summary>The Esr.Kernel assembly's informational version, which a run started now records.</summary>
    public static string CurrentProjectVersion =>
        typeof(RunManifest).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion
        ?? typeof(RunManifest).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>Global boost levels of a boost sweep, fixed when the run first starts (so a resume reuses them).</summary>
    public IReadOnlyList<double>? BoostLevels { get; init; }

    /// <summary>Mean and population SD of the threshold cache the levels came from.</summary>
    public ThresholdCacheStats? ThresholdCacheStats { get; init; }

    /// <summary>The latents selection chose on the first start, reused on every resume (a selection graded by an LLM need not repeat).</summary>
    public IReadOnlyList<int>? SelectedLatents { get; init; }

    /// <summary>
    /// The <see cref="Judging.JudgePrompt.Sha256"/> of the texts the judge sends (the built-in prompt or a
    /// <c>--judge-prompt-file</c>'s); null when the run's starter recorded none.
    /// </summary>
    public string? JudgePromptSha256 { get; init; }

    /// <summary>
    /// Rows per generation batch. Every batch of a run has this many rows (<see cref="Generation.BatchFrame"/>), and a
    /// row's last bits, so now and then a sampled token, depend on it: a resume or merge must use the same.
    /// </summary>
    public int? BatchSize { get; init; }

    /// <summary>
    /// The weights' and activations' dtype ("float32", "bfloat16"): another gives other trials, so a resume or merge
    /// must use the same (compared when both manifests record one; runs started before it was recorded have none).
    /// </summary>
    public string? Dtype { get; init; }

    /// <summary>Where the model computed ("cpu", "cuda:0"); recorded, not compared, so shards may run on different machines.</summary>
    public string? Device { get; init; }

    /// <summary>When the run first started (UTC); not compared.</summary>
    public DateTimeOffset CreatedUtc { get; init; }

    /// <summary>
    /// The first field in which <paramref name="other"/> differs from this manifest, as a dotted name
    /// (e.g. "model_hash", "config.n_features"), or null when a run with <paramref name="other"/> may continue this
    /// one. Boost levels, selected latents, the device, creation time and (when <paramref name="ignoreShard"/>) the shard are not compared.
    /// </summary>
    public string? FirstMismatch(RunManifest other, bool ignoreShard = false)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Experiment != other.Experiment) return "experiment";
        if (RunSeed != other.RunSeed) return "run_seed";
        if (Model != other.Model) return "model";
        if (ModelHash != other.ModelHash) return "model_hash";
        if (SaeHash != other.SaeHash) return "sae_hash";
        if (Judge != other.Judge) return "judge";
        if (JudgePromptSha256 != other.JudgePromptSha256) return "judge_prompt_sha256";
        if (!ignoreShard && Shard != other.Shard) return "shard";
        if (BatchSize != other.BatchSize) return "batch_size";
        if (Dtype is not null && other.Dtype is not null && Dtype != other.Dtype) return "dtype";
        foreach (var key in Config.Select(p => p.Key).Union(other.Config.Select(p => p.Key)).Order(StringComparer.Ordinal))
        {
            if (!JsonNode.DeepEquals(Config[key], other.Config[key])) return $"config.{key}";
        }
        foreach (var key in Quirks.Keys.Union(other.Quirks.Keys).Order(StringComparer.Ordinal))
        {
            if (Quirks.GetValueOrDefault(key) != other.Quirks.GetValueOrDefault(key)) return $"quirks.{key}";
        }
        return ProjectVersion != other.ProjectVersion ? "project_version" : null;
    }
}
