using System.Text.Json;

namespace Esr.Kernel.Experiments.SequentialActivations;

/// <summary>Reads the experiment's small JSON files, each error naming the file and the field.</summary>
internal static class JsonFileFields
{
    /// <summary>The file's top-level object.</summary>
    /// <exception cref="InvalidDataException">The file is not JSON or not an object.</exception>
    public static JsonElement ReadObject(string path)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}': not valid JSON ({e.Message})", e);
        }
        return root.ValueKind == JsonValueKind.Object ? root : throw new InvalidDataException($"'{path}': expected a JSON object");
    }

    /// <summary>The field <paramref name="name"/> of <paramref name="root"/>, which must be of <paramref name="kind"/>.</summary>
    /// <exception cref="InvalidDataException">The field is missing or of another kind.</exception>
    public static JsonElement Field(JsonElement root, string path, string name, JsonValueKind kind) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == kind
            ? value
            : throw new InvalidDataException(
                $"'{path}': field \"{name}\" must be {(kind is JsonValueKind.Array or JsonValueKind.Object ? "an" : "a")} {kind.ToString().ToLowerInvariant()}");
}
