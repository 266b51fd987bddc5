using System.Globalization;
using System.Text.Json;

namespace Esr.Kernel.Formats;

/// <summary>
/// Typed reads of a JSON object's fields whose errors name the file and the field (prefixed for nested objects).
/// Errors are <see cref="ModelFormatException"/>s unless <paramref name="error"/> makes another type from the path and problem.
/// </summary>
internal sealed class JsonFields(string path, JsonElement element, Func<string, string, Exception>? error = null, string prefix = "")
{
    public Exception Error(string field, string problem) =>
        (error ?? ((file, text) => new ModelFormatException(file, text)))(path, $"field '{prefix}{field}' {problem}");

    public string String(string field) => OptionalString(field) ?? throw Missing(field);
    public int Int(string field) => OptionalInt(field) ?? throw Missing(field);

    /// <summary>A required integer of at least 1 (a size or a count).</summary>
    public int PositiveInt(string field) => Positive(field, Int(field));

    /// <summary>An optional integer that, when present, is at least 1.</summary>
    public int? OptionalPositiveInt(string field) => OptionalInt(field) is { } value ? Positive(field, value) : null;

    /// <summary>A required finite number above 0 (an epsilon, a scale).</summary>
    public double PositiveDouble(string field) => Positive(field, Double(field));

    /// <summary>An optional number that, when present, is finite and above 0.</summary>
    public double? OptionalPositiveDouble(string field) => OptionalDouble(field) is { } value ? Positive(field, value) : null;
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
        Get(field, JsonValueKind.Object, "an object") is { } value ? new JsonFields(path, value, error, $"{prefix}{field}.") : null;

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

    private int Positive(string field, int value) => value >= 1 ? value : throw Error(field, $"is {value}, expected a positive integer");

    private double Positive(string field, double value) =>
        value > 0 && double.IsFinite(value) ? value : throw Error(field, $"is {value.ToString(CultureInfo.InvariantCulture)}, expected a finite number above 0");

    private Exception Missing(string field) => Error(field, "is missing");
}
