using System.Text.Json;

namespace Esr.Kernel.Models;

/// <summary>Typed reads of a JSON object's fields whose errors name the file and the field (prefixed for nested objects).</summary>
internal sealed class JsonFields(string path, JsonElement element, string prefix = "")
{
    public ModelFormatException Error(string field, string problem) => new(path, $"field '{prefix}{field}' {problem}");

    public string String(string field) => OptionalString(field) ?? throw Missing(field);
    public int Int(string field) => OptionalInt(field) ?? throw Missing(field);
    public double Double(string field) => OptionalDouble(field) ?? throw Missing(field);

    public string? OptionalString(string field) =>
        Get(field, JsonValueKind.String, "a string") is { } value ? value.GetString() : null;

    public int? OptionalInt(string field) =>
        Get(field, JsonValueKind.Number, "an integer") is { } value
            ? value.TryGetInt32(out var number) ? number : throw Error(field, $"is {value.GetRawText()}, expected an integer")
            : null;

    public double? OptionalDouble(string field) =>
        Get(field, JsonValueKind.Number, "a number") is { } value ? value.GetDouble() : null;

    public bool? OptionalBool(string field)
    {
        if (!element.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(field, $"is {value.GetRawText()}, expected true or false"),
        };
    }

    public JsonFields? OptionalObject(string field) =>
        Get(field, JsonValueKind.Object, "an object") is { } value ? new JsonFields(path, value, $"{prefix}{field}.") : null;

    public IReadOnlyList<string>? OptionalStrings(string field) =>
        Get(field, JsonValueKind.Array, "an array of strings") is { } value
            ? value.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String
                ? item.GetString()!
                : throw Error(field, $"holds {item.GetRawText()}, expected strings")).ToArray()
            : null;

    /// <summary>An int, or an array of ints (as <c>eos_token_id</c> may be), as a list; null when absent.</summary>
    public IReadOnlyList<int>? OptionalIntOrInts(string field)
    {
        if (!element.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind switch
        {
            JsonValueKind.Number => [OptionalInt(field)!.Value],
            JsonValueKind.Array => value.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.Number && item.TryGetInt32(out var id)
                ? id
                : throw Error(field, $"holds {item.GetRawText()}, expected integers")).ToArray(),
            _ => throw Error(field, $"is {value.GetRawText()}, expected an integer or an array of integers"),
        };
    }

    private JsonElement? Get(string field, JsonValueKind kind, string expected)
    {
        if (!element.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != kind) throw Error(field, $"is {value.GetRawText()}, expected {expected}");
        return value;
    }

    private ModelFormatException Missing(string field) => Error(field, "is missing");
}
