using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Esr.Kernel.Judging;

namespace Esr.Kernel.Results;

/// <summary>
/// Writes the experiments' JSON result files in the paper's field names, atomically (a temporary file in the same
/// folder, then a rename), so a reader never sees half a file.
/// </summary>
public static class JsonResultFile
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/>, creating its folder.</summary>
    public static void Write(string path, JsonNode content)
    {
        ArgumentNullException.ThrowIfNull(content);
        AtomicFile.WriteAllText(path, content.ToJsonString(Options));
    }

    /// <summary>
    /// A grade as the paper's result files hold it (ESR_SPEC §5): <c>{raw_response, attempts:[{attempt_text, score}]}</c>,
    /// or <c>{raw_response, error}</c> for a failed one.
    /// </summary>
    public static JsonObject Grade(JudgeVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        var grade = new JsonObject { ["raw_response"] = verdict.RawReply };
        if (verdict.Error is not null)
        {
            grade["error"] = verdict.Error;
            return grade;
        }
        if (verdict.Attempts is not null) grade["attempts"] = Attempts(verdict.Attempts);
        return grade;
    }

    /// <summary>Attempts as judges write them: <c>[{attempt_text, score}]</c>.</summary>
    public static JsonArray Attempts(IEnumerable<Attempt> attempts) =>
        new(attempts.Select(a => (JsonNode)new JsonObject { ["attempt_text"] = a.Text, ["score"] = a.Score }).ToArray());

    /// <summary>Writes a timestamp as the paper's file names do: <c>yyyyMMdd_HHmmss</c>.</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyyMMdd_HHmmss", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Converts a float array to a JSON array.</summary>
    internal static JsonArray Numbers(IEnumerable<double> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());

    /// <summary>Converts integers (latent indices) to a JSON array.</summary>
    internal static JsonArray Integers(IEnumerable<int> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
}
