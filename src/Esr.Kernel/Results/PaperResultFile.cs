using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Esr.Kernel.Judging;

namespace Esr.Kernel.Results;

/// <summary>
/// Reads and writes the paper's result JSON (ESR_SPEC §5): <c>experiment_config</c>, <c>results_by_feature</c>
/// (each <c>{feature_index_in_sae, feature_label, threshold, trials, error}</c>) and trials
/// <c>{prompt, feature_index_in_sae, feature_label, threshold, seed, response, score, error}</c> whose score is
/// <c>{raw_response, attempts:[{attempt_text, score}]}</c> or <c>{raw_response, error}</c>.
/// </summary>
public static partial class PaperResultFile
{
    /// <summary>
    /// Reads a file. The experiment and condition come from the file name as the paper named its files
    /// (<c>multi_boost</c> → 2, <c>_with_ablation</c> → 3, <c>prompt_variants</c> → 5 with the variant id,
    /// <c>no_steering_baseline</c> → 8, <c>random_ablation_set&lt;i&gt;</c> → 10, otherwise 1); every record has
    /// <see cref="TrialRecord.SourceFile"/> set to the file's name. A latent with an error and no trials yields no record.
    /// </summary>
    /// <exception cref="InvalidDataException">The file does not have the layout; the message names file and field.</exception>
    public static PaperResults Read(string path)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path}: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not JSON ({e.Message})", e);
        }
        var config = root["experiment_config"] as JsonObject ?? throw new InvalidDataException($"{path}: missing object 'experiment_config'");
        var features = root["results_by_feature"] as JsonArray ?? throw new InvalidDataException($"{path}: missing array 'results_by_feature'");
        var fileName = Path.GetFileName(path);
        var (experiment, condition) = Classify(fileName, root, config);
        var model = ShortName(config["model_name"]?.GetValue<string>() ?? "");
        var judge = config["judge_model_name"]?.GetValue<string>() ?? "";
        IReadOnlyList<int> ablated = root["ablated_latents"] is JsonArray list ? list.Select(n => n!.GetValue<int>()).ToArray() : [];
        var records = new List<TrialRecord>();
        for (var f = 0; f < features.Count; f++)
        {
            var where = $"{path}: results_by_feature[{f}]";
            var feature = features[f] as JsonObject ?? throw new InvalidDataException($"{where} is not an object");
            var latent = Int(feature, "feature_index_in_sae", where);
            var label = feature["feature_label"]?.GetValue<string>() ?? "";
            var threshold = feature["threshold"]?.GetValue<double>();
            var latentError = feature["error"]?.GetValue<string>();
            var trials = feature["trials"] as JsonArray ?? [];
            for (var t = 0; t < trials.Count; t++)
            {
                var trialWhere = $"{where}.trials[{t}]";
                var trial = trials[t] as JsonObject ?? throw new InvalidDataException($"{trialWhere} is not an object");
                records.Add(new TrialRecord(
                    $"{condition}|{latent}|t{t}", experiment, model, condition, latent, trial["feature_label"]?.GetValue<string>() ?? label,
                    trial["prompt"]?.GetValue<string>() ?? throw new InvalidDataException($"{trialWhere}: missing string 'prompt'"),
                    trial["threshold"]?.GetValue<double>() ?? 0, threshold, Int(trial, "seed", trialWhere),
                    trial["response"]?.GetValue<string>() ?? "", Verdict(trial["score"], trialWhere), trial["error"]?.GetValue<string>())
                {
                    Judge = judge, AblatedLatents = ablated, LatentError = latentError, SourceFile = fileName,
                });
            }
        }
        var extras = new JsonObject();
        foreach (var (key, value) in root)
            if (key is not "experiment_config" and not "results_by_feature") extras[key] = value?.DeepClone();
        return new PaperResults((JsonObject)config.DeepClone(), records, extras);
    }

    /// <summary>Writes results in the paper's layout, atomically; features appear in the order of their first trial.</summary>
    public static Task WriteAsync(string path, PaperResults results, CancellationToken cancellationToken = default)
    {
        var features = new JsonArray();
        foreach (var group in results.Trials.GroupBy(r => r.Latent))
        {
            var first = group.First();
            var trials = new JsonArray();
            foreach (var r in group)
            {
                trials.Add(new JsonObject
                {
                    ["prompt"] = r.Prompt, ["feature_index_in_sae"] = r.Latent, ["feature_label"] = r.LatentLabel,
                    ["threshold"] = r.Boost, ["seed"] = r.Seed, ["response"] = r.Response, ["score"] = Score(r.Verdict), ["error"] = r.Error,
                });
            }
            features.Add(new JsonObject
            {
                ["feature_index_in_sae"] = first.Latent, ["feature_label"] = first.LatentLabel, ["threshold"] = first.Threshold,
                ["trials"] = trials, ["error"] = first.LatentError,
            });
        }
        var root = new JsonObject { ["experiment_config"] = results.ExperimentConfig.DeepClone(), ["results_by_feature"] = features };
        foreach (var (key, value) in results.Extras) root[key] = value?.DeepClone();
        return AtomicFile.WriteAllTextAsync(path, root.ToJsonString(TrialJson.Indented), cancellationToken);
    }

    /// <summary>The text after the last "/" of a model key or path.</summary>
    public static string ShortName(string modelKey) => modelKey.TrimEnd('/')[(modelKey.TrimEnd('/').LastIndexOf('/') + 1)..];

    private static (int Experiment, string Condition) Classify(string fileName, JsonObject root, JsonObject config)
    {
        if (fileName.Contains("multi_boost", StringComparison.OrdinalIgnoreCase)) return (2, "boost_sweep");
        if (RandomSet().Match(fileName) is { Success: true } set) return (10, $"{set.Groups[1].Value.ToLowerInvariant()}random_ablation_set{set.Groups[2].Value}");
        if (fileName.Contains("with_ablation", StringComparison.OrdinalIgnoreCase)) return (3, "ablation");
        var variant = root["experiment_metadata"]?["prompt_variant_id"]?.GetValue<string>() ?? config["prompt_variant_id"]?.GetValue<string>();
        if (variant is not null || fileName.Contains("prompt_variants", StringComparison.OrdinalIgnoreCase)) return (5, variant ?? "prompt_variant");
        if (fileName.Contains("no_steering_baseline", StringComparison.OrdinalIgnoreCase) || config["disable_steering"]?.GetValue<bool>() == true)
            return (8, "no_steering");
        return (1, "steered");
    }

    private static int Int(JsonObject node, string field, string where)
    {
        var value = node[field] ?? throw new InvalidDataException($"{where}: missing integer '{field}'");
        try
        {
            return value.GetValue<int>();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{where}: '{field}' is not an integer ({value.ToJsonString()})", e);
        }
    }

    private static JudgeVerdict? Verdict(JsonNode? score, string where)
    {
        if (score is null) return null;
        if (score is not JsonObject obj) throw new InvalidDataException($"{where}: 'score' is not an object");
        var raw = obj["raw_response"]?.GetValue<string>();
        if (obj["attempts"] is not JsonArray attempts) return new JudgeVerdict(null, raw, obj["error"]?.GetValue<string>() ?? "MissingAttempts: no attempts list");
        return new JudgeVerdict(attempts.Select(a => new Attempt(a?["attempt_text"]?.GetValue<string>() ?? "", AttemptScore(a?["score"]))).ToArray(), raw, null);
    }

    // Some judges sent scores as strings; those that parse are numbers (as the judge parser reads them).
    private static double? AttemptScore(JsonNode? score) => score?.GetValueKind() switch
    {
        JsonValueKind.Number => score.GetValue<double>(),
        JsonValueKind.String when double.TryParse(score.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) => value,
        _ => null,
    };

    private static JsonObject? Score(JudgeVerdict? verdict)
    {
        if (verdict is null) return null;
        if (verdict.Attempts is null) return new JsonObject { ["raw_response"] = verdict.RawReply, ["error"] = verdict.Error };
        var attempts = new JsonArray();
        foreach (var a in verdict.Attempts) attempts.Add(new JsonObject { ["attempt_text"] = a.Text, ["score"] = a.Score });
        return new JsonObject { ["raw_response"] = verdict.RawReply, ["attempts"] = attempts };
    }

    // Experiment 10's sets; "matched_" marks the sets matched to the detectors' firing rates, which the paper did not draw.
    [GeneratedRegex(@"(matched_)?random_ablation_set(\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex RandomSet();
}
