using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Esr.Kernel.Experiments;

/// <summary>
/// The per-model threshold cache: a JSON object keyed by latent index (as a string), each value an entry object
/// or, in older files, a bare number. Every write re-reads the file, merges, and replaces it atomically (temporary
/// file, then rename), so readers never see a half-written file and entries written meanwhile by another process
/// are kept unless they are the same latent.
/// </summary>
/// <param name="Path">The cache file; it need not exist yet.</param>
public sealed record ThresholdCache(string Path)
{
    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true };

    /// <summary>
    /// The file name for a model: <c>threshold_cache_&lt;short name&gt;.json</c>, the short name being the text
    /// after the last "/" of the model key or path (a <see cref="SafeFileName"/>); ablation runs use a separate
    /// <c>_with_ablation</c> file.
    /// </summary>
    public static string FileName(string modelKey, bool withAblation = false)
    {
        ArgumentNullException.ThrowIfNull(modelKey);
        var shortName = modelKey.TrimEnd('/')[(modelKey.TrimEnd('/').LastIndexOf('/') + 1)..];
        return $"threshold_cache_{SafeFileName.From(shortName)}{(withAblation ? "_with_ablation" : "")}.json";
    }

    /// <summary>Every entry with a threshold, by latent index; bare numbers become entries without score or config.</summary>
    /// <exception cref="InvalidDataException">The file is not a JSON object of entries, or a threshold is not a finite number.</exception>
    public IReadOnlyDictionary<int, ThresholdCacheEntry> ReadAll()
    {
        var entries = new Dictionary<int, ThresholdCacheEntry>();
        foreach (var (key, node) in ReadObject())
        {
            if (!int.TryParse(key, NumberStyles.Integer, CultureInfo.InvariantCulture, out int latent) || node is null) continue;
            InvalidDataException Corrupt(string problem) =>
                new($"{Path}: entry '{key}' {problem} (expected a threshold number or an object with a numeric 'threshold')");
            ThresholdCacheEntry? entry;
            try
            {
                entry = node.GetValueKind() switch
                {
                    JsonValueKind.Number => new ThresholdCacheEntry(node.GetValue<double>()),
                    JsonValueKind.Object => node.Deserialize<ThresholdCacheEntry>(),
                    var kind => throw Corrupt($"is a JSON {kind.ToString().ToLowerInvariant()}"),
                };
            }
            catch (JsonException error)
            {
                throw Corrupt($"cannot be read: {error.Message}");
            }
            if (entry?.Threshold is not { } threshold) continue;
            if (!double.IsFinite(threshold)) throw Corrupt($"has threshold {threshold.ToString(CultureInfo.InvariantCulture)}");
            entries[latent] = entry;
        }
        return entries;
    }

    /// <summary>
    /// The cached threshold of a latent, whatever settings produced it (as the original), or null.
    /// </summary>
    public double? Lookup(int latent) => ReadAll().TryGetValue(latent, out var entry) ? entry.Threshold : null;

    /// <summary>Stores one latent's entry, keeping every other key in the file.</summary>
    public void Store(int latent, ThresholdCacheEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var root = ReadObject();
        root[latent.ToString(CultureInfo.InvariantCulture)] = JsonSerializer.SerializeToNode(entry);
        AtomicFile.WriteAllText(Path, root.ToJsonString(WriteOptions));
    }

    private JsonObject ReadObject()
    {
        if (!File.Exists(Path)) return [];
        var text = File.ReadAllText(Path);
        if (string.IsNullOrWhiteSpace(text)) return [];
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text);
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"{Path}: the threshold cache is not valid JSON: {error.Message}");
        }
        return root as JsonObject ?? throw new InvalidDataException($"{Path}: the threshold cache is not a JSON object (expected latent index -> entry)");
    }
}
