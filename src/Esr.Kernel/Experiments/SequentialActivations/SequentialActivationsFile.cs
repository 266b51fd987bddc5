using System.Globalization;
using System.Text.Json;
using Esr.Kernel.Analysis.Figures;

namespace Esr.Kernel.Experiments.SequentialActivations;

/// <summary>
/// Reads <c>experiment_6_sequential_activations.json</c>, as <see cref="SequentialActivationsResult.ToJson"/> writes
/// it, into Figure 6's input.
/// </summary>
public static class SequentialActivationsFile
{
    /// <summary>The backtracking latent when the file lists no latent of interest (33044, the paper's).</summary>
    public const int PaperBacktrackingLatent = 33044;

    /// <summary>
    /// Figure 6's readout of the file: tokens (<c>token_strings</c>), per-latent activations (<c>activations</c>),
    /// the detectors (<c>off_topic_detectors</c>), the latents of interest (keys of <c>latents_of_interest</c>; the
    /// first is the bottom row's latent, titled by its label), and the regions: the file's own (<c>regions</c>, as
    /// this project writes it) or, in the paper's file, which has none, the paper's hard-coded ones; cut to the
    /// sequence's length.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not such a JSON; the message names the file and field.</exception>
    public static Analysis.Figures.SequentialActivations Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var root = JsonFileFields.ReadObject(path);
        JsonElement Field(string name, JsonValueKind kind) => JsonFileFields.Field(root, path, name, kind);
        int Latent(string field, string text) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var latent)
                ? latent
                : throw new InvalidDataException($"'{path}': field \"{field}\" has key \"{text}\", expected a latent index");

        var tokens = Field("token_strings", JsonValueKind.Array).EnumerateArray()
            .Select(t => t.ValueKind == JsonValueKind.String ? t.GetString()! : throw new InvalidDataException($"'{path}': field \"token_strings\" must hold strings")).ToList();
        var activations = new Dictionary<int, IReadOnlyList<double>>();
        foreach (var latent in Field("activations", JsonValueKind.Object).EnumerateObject())
        {
            if (latent.Value.ValueKind != JsonValueKind.Array || latent.Value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number))
                throw new InvalidDataException($"'{path}': field \"activations\".\"{latent.Name}\" must be an array of numbers");
            var values = latent.Value.EnumerateArray().Select(v => v.GetDouble()).ToList();
            if (values.Count != tokens.Count)
                throw new InvalidDataException($"'{path}': field \"activations\".\"{latent.Name}\" has {values.Count} values, expected one per token ({tokens.Count})");
            activations[Latent("activations", latent.Name)] = values;
        }
        var detectors = Field("off_topic_detectors", JsonValueKind.Array).EnumerateArray()
            .Select(d => d.ValueKind == JsonValueKind.Number && d.TryGetInt32(out var i) ? i : throw new InvalidDataException($"'{path}': field \"off_topic_detectors\" must hold latent indices")).ToList();
        var interestLabels = Field("latents_of_interest", JsonValueKind.Object).EnumerateObject()
            .Select(p => (Latent: Latent("latents_of_interest", p.Name), Label: p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : "")).ToList();
        var interest = interestLabels.Select(p => p.Latent).ToList();
        int n = tokens.Count;
        var regions = (root.TryGetProperty("regions", out var stored) ? StoredRegions(stored, path, n) : TokenRegion.Figure6(n))
            .Where(r => r.Start < n).Select(r => r with { End = Math.Min(r.End, n) }).ToList();
        var bottom = interest.Count > 0 ? interest[0] : PaperBacktrackingLatent;
        var label = bottom == PaperBacktrackingLatent ? Analysis.Figures.SequentialActivations.PaperBacktrackingTitle
            : interestLabels[0].Label is { Length: > 0 } given ? given : $"Latent {bottom}";
        return new(tokens, activations, detectors, interest, bottom, regions) { BacktrackingTitle = label };
    }

    // "regions": [{"name": "off-topic", "start": 40}, ...], each running to the next one's start.
    private static List<TokenRegion> StoredRegions(JsonElement stored, string path, int tokenCount)
    {
        if (stored.ValueKind != JsonValueKind.Array) throw new InvalidDataException($"'{path}': field \"regions\" must be an array");
        var starts = stored.EnumerateArray().Select((region, i) =>
        {
            if (region.ValueKind != JsonValueKind.Object
                || !region.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || !TokenRegion.Colours.ContainsKey(name.GetString()!)
                || !region.TryGetProperty("start", out var start) || !start.TryGetInt32(out var at) || at < 0)
                throw new InvalidDataException($"'{path}': field \"regions\"[{i}] must be {{\"name\": one of {string.Join(", ", TokenRegion.Colours.Keys)}, \"start\": a token position}}");
            return (Name: name.GetString()!, Start: at);
        }).OrderBy(r => r.Start).ToList();
        return starts.Select((r, i) => TokenRegion.Named(r.Name, r.Start, i + 1 < starts.Count ? starts[i + 1].Start : tokenCount)).ToList();
    }
}
