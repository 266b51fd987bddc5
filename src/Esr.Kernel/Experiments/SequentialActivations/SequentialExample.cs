using System.Text.Json;

namespace Esr.Kernel.Experiments.SequentialActivations;

/// <summary>The steered example of Figure 6 (ESR_SPEC §6 Exp 6), as in <c>figure6_example.json</c>.</summary>
/// <param name="Latent">The steered (distractor) latent, <c>feature_idx</c>.</param>
/// <param name="Label">Its label, <c>feature_label</c>.</param>
/// <param name="Prompt">The user prompt.</param>
/// <param name="Seed">The generation's seed.</param>
/// <param name="Threshold">The boost it was steered with.</param>
/// <param name="Response">The full stored response.</param>
public sealed record SequentialExample(int Latent, string Label, string Prompt, int Seed, double Threshold, string Response)
{
    /// <summary>Reads the example file.</summary>
    /// <exception cref="InvalidDataException">A field is missing or of the wrong type (the message names the file and field).</exception>
    public static SequentialExample Load(string path)
    {
        var root = JsonFileFields.ReadObject(path);
        JsonElement Field(string name, JsonValueKind kind) => JsonFileFields.Field(root, path, name, kind);
        return new SequentialExample(
            Field("feature_idx", JsonValueKind.Number).GetInt32(), Field("feature_label", JsonValueKind.String).GetString()!,
            Field("prompt", JsonValueKind.String).GetString()!, Field("seed", JsonValueKind.Number).GetInt32(),
            Field("threshold", JsonValueKind.Number).GetDouble(), Field("response", JsonValueKind.String).GetString()!);
    }
}
