using System.Text.Json.Nodes;

namespace Esr.Kernel.Results;

/// <summary>The trials a <c>--from-results</c> source holds: one of our run folders, or one of the paper's result files.</summary>
public static class SourceResults
{
    /// <summary>Reads a run folder's trials or a paper JSON file's trials.</summary>
    /// <exception cref="FileNotFoundException">Neither exists; the message names the path.</exception>
    public static IReadOnlyList<TrialRecord> Load(string path) => Read(path).Trials;

    /// <summary>Reads a run folder or a paper JSON file: its trials and its threshold-cache statistics, if any.</summary>
    /// <exception cref="FileNotFoundException">Neither exists; the message names the path.</exception>
    /// <exception cref="InvalidDataException">The source is malformed; the message names the file and field.</exception>
    public static LoadedSource Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path))
        {
            if (!RunStore.Exists(path)) throw new FileNotFoundException($"--from-results {path}: the folder holds no run ({RunStore.TrialsFile})", path);
            var store = new RunStore(path);
            return new(path, store.ReadTrials(), store.ReadManifest()?.ThresholdCacheStats);
        }
        if (File.Exists(path))
        {
            var results = PaperResultFile.Read(path);
            return new(path, results.Trials, CacheStats(path, results.Extras["threshold_cache_stats"]));
        }
        throw new FileNotFoundException($"--from-results {path}: no such run folder or result file", path);
    }

    // The paper's Exp-2 files carry {"mean": μ, "std": σ}; the other experiments' files null or nothing.
    private static ThresholdCacheStats? CacheStats(string path, JsonNode? node) =>
        node switch
        {
            null => null,
            JsonObject stats when Number(stats["mean"]) is { } mean && Number(stats["std"]) is { } std => new(mean, std),
            _ => throw new InvalidDataException($"{path}: 'threshold_cache_stats' must be {{\"mean\": number, \"std\": number}} or null, got {node.ToJsonString()}"),
        };

    private static double? Number(JsonNode? node) => node is JsonValue value && value.TryGetValue<double>(out var number) ? number : null;
}
