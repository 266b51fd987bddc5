using System.Globalization;
using System.Text.Json;

namespace Esr.Kernel.Judging;

/// <summary>
/// Reads a judge's reply into a <see cref="JudgeVerdict"/> with the fallbacks of ESR_SPEC §2.2: the text between
/// the first <c>&lt;json&gt;</c> and the first <c>&lt;/json&gt;</c>; failing tags, the span from the first
/// <c>{</c> to the last <c>}</c>; failing that, an error. Never throws on any reply.
/// </summary>
public static class JudgeReplyParser
{
    /// <summary>The error type written before the message of a reply that could not be read.</summary>
    public const string FormatErrorType = "JudgeReplyFormatError";

    private const string OpenTag = "<json>";
    private const string CloseTag = "</json>";

    /// <summary>Parses a reply; a null reply gives an error verdict.</summary>
    public static JudgeVerdict Parse(string? reply)
    {
        if (reply is null) return JudgeVerdict.Failed(null, FormatErrorType, "No reply");

        int open = reply.IndexOf(OpenTag, StringComparison.Ordinal);
        int close = reply.IndexOf(CloseTag, StringComparison.Ordinal);
        if (open >= 0 && close > open)
        {
            // Tags present: no further fallback when their content does not parse (as the original).
            var inside = reply[(open + OpenTag.Length)..close].Trim();
            return TryRead(inside, out var attempts, out var detail)
                ? new JudgeVerdict(attempts, reply, null)
                : JudgeVerdict.Failed(reply, FormatErrorType, $"Failed to parse JSON from <json> tags ({detail})");
        }

        int first = reply.IndexOf('{');
        int last = reply.LastIndexOf('}');
        if (first >= 0 && last > first)
        {
            return TryRead(reply[first..(last + 1)], out var attempts, out var detail)
                ? new JudgeVerdict(attempts, reply, null)
                : JudgeVerdict.Failed(reply, FormatErrorType, $"Failed to parse JSON from braces ({detail})");
        }

        return JudgeVerdict.Failed(reply, FormatErrorType, "No JSON found");
    }

    // A JSON object parses; attempts is null when the object lacks a usable "attempts" list (the metrics then
    // skip the trial, like a missing key in the original).
    private static bool TryRead(string json, out IReadOnlyList<Attempt>? attempts, out string detail)
    {
        attempts = null;
        detail = "";
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                detail = $"expected an object, got {document.RootElement.ValueKind}";
                return false;
            }
            // Entries that are not objects carry neither text nor score; they are dropped rather than failing the trial.
            if (document.RootElement.TryGetProperty("attempts", out var list) && list.ValueKind == JsonValueKind.Array)
                attempts = list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).Select(ReadAttempt).ToList();
            return true;
        }
        catch (JsonException e)
        {
            detail = e.Message;
            return false;
        }
    }

    private static Attempt ReadAttempt(JsonElement element)
    {
        string text = element.TryGetProperty("attempt_text", out var t)
            ? t.ValueKind == JsonValueKind.String ? t.GetString()! : t.ValueKind == JsonValueKind.Null ? "" : t.GetRawText()
            : "";
        double? score = element.TryGetProperty("score", out var s) ? ReadScore(s) : null;
        return new Attempt(text, score);
    }

    private static double? ReadScore(JsonElement score) => score.ValueKind switch
    {
        JsonValueKind.Number => score.GetDouble(),
        JsonValueKind.String when double.TryParse(score.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            && double.IsFinite(v) => v,
        _ => null,
    };
}
