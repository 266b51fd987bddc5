using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Esr.Kernel.Results;

/// <summary>
/// The JSON form of run files: snake_case names (the paper's result files use snake_case too, so one convention
/// covers both), nulls written, relaxed escaping so prompts and responses stay readable. One trial is one line.
/// </summary>
public static class TrialJson
{
    /// <summary>Options for trials, manifests and configs.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The same options, indented, for files people read (manifests, configs).</summary>
    public static JsonSerializerOptions Indented { get; } = new(Options) { WriteIndented = true };

    /// <summary>One trial as one line of JSON (no line break inside: JSON escapes them in strings).</summary>
    public static string Line(TrialRecord record) => JsonSerializer.Serialize(record, Options);

    /// <summary>Reads one line back.</summary>
    /// <exception cref="JsonException">The line is not a trial.</exception>
    public static TrialRecord Parse(string line) =>
        JsonSerializer.Deserialize<TrialRecord>(line, Options) ?? throw new JsonException("a trial line holds null");
}
