using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Esr.Kernel.Judging;

/// <summary>
/// Reads a judge's reply into a <see cref="JudgeVerdict"/> with the fallbacks of ESR_SPEC §2.2: the text between
/// the first <c>&lt;json&gt;</c> and the first <c>&lt;/json&gt;</c>; failing tags, the span from the first
/// <c>{</c> to the last <c>}</c>; failing that, an error. A score outside 0-100 (ESR_SPEC §2.1) or not finite, and a
/// reply over <see cref="JudgeReplyLimit.MaxBytes"/>, are errors too. Never throws on any reply.
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
        // Not kept as the raw reply either: storing or printing it is what the limit prevents.
        if (Encoding.UTF8.GetByteCount(reply) is var bytes and > JudgeReplyLimit.MaxBytes)
            return JudgeVerdict.Failed(null, JudgeReplyLimit.ErrorType, $"the reply is {bytes} bytes, over {JudgeReplyLimit.Described}");

        int open = reply.IndexOf(OpenTag, StringComparison.Ordinal);
        int close = reply.IndexOf(CloseTag, StringComparison.Ordinal);
        // Tags present: no further fallback when their content does not parse (as the original).
        if (open >= 0 && close > open) return Read(reply, reply[(open + OpenTag.Length)..close].Trim(), "<json> tags");

        int first = reply.IndexOf('{');
        int last = reply.LastIndexOf('}');
        if (first >= 0 && last > first) return Read(reply, reply[first..(last + 1)], "braces");

        return JudgeVerdict.Failed(reply, FormatErrorType, "No JSON found");
    }

    // A JSON object is a verdict; its attempts are null when it lacks a usable "attempts" list (the metrics then skip
    // the trial, like a missing key in the original).
    private static JudgeVerdict Read(string reply, string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            return JudgeVerdict.Failed(reply, FormatErrorType, $"Failed to parse JSON from {source} ({e.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return JudgeVerdict.Failed(reply, FormatErrorType, $"Failed to parse JSON from {source} (expected an object, got {root.ValueKind})");
            if (!root.TryGetProperty("attempts", out var list) || list.ValueKind != JsonValueKind.Array) return new JudgeVerdict(null, reply, null);
            var attempts = new List<Attempt>();
            // Entries that are not objects carry neither text nor score; they are dropped rather than failing the trial.
            foreach (var entry in list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object))
            {
                var attempt = ReadAttempt(entry);
                if (attempt.Score is { } score && score is not (>= 0 and <= 100))
                {
                    var given = entry.GetProperty("score");
                    var text = given.ValueKind == JsonValueKind.String ? given.GetString() : given.GetRawText();
                    return JudgeVerdict.Failed(reply, FormatErrorType, $"attempt {attempts.Count + 1}'s score {text} is outside 0-100");
                }
                attempts.Add(attempt);
            }
            return new JudgeVerdict(attempts, reply, null);
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

    // Infinite and NaN values are read as such, so that the range check refuses them.
    private static double? ReadScore(JsonElement score) => score.ValueKind switch
    {
        JsonValueKind.Number => score.GetDouble(),
        JsonValueKind.String when double.TryParse(score.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) => v,
        _ => null,
    };
}
