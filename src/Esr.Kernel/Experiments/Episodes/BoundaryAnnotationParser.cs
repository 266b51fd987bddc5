using System.Text.Json;
using System.Text.RegularExpressions;

namespace Esr.Kernel.Experiments.Episodes;

/// <summary>
/// Reads the boundary annotator's reply (ESR_SPEC §7.2 step 3): the JSON of the first fenced <c>```json</c> block,
/// else the first flat object (no nested braces) that contains <c>off_topic_char_start</c>. The annotation is valid
/// iff off ≥ 0, correction ≥ off, on ≥ correction and on &lt; the response length. Never throws on any reply.
/// </summary>
public static partial class BoundaryAnnotationParser
{
    /// <summary>Parses a reply about a response of <paramref name="responseLength"/> characters.</summary>
    public static BoundaryAnnotation Parse(string? reply, int responseLength)
    {
        if (reply is null) return BoundaryAnnotation.Failed(null, "No reply");
        var json = FencedBlock().Match(reply) is { Success: true } fenced ? fenced.Groups[1].Value
            : FlatObject().Match(reply) is { Success: true } flat ? flat.Value
            : null;
        if (json is null) return BoundaryAnnotation.Failed(reply, "No JSON block with off_topic_char_start found");
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return BoundaryAnnotation.Failed(reply, "The JSON is not an object");
            if (!TryPosition(root, "off_topic_char_start", out var off) || !TryPosition(root, "correction_char_start", out var correction)
                || !TryPosition(root, "on_topic_char_start", out var on))
                return BoundaryAnnotation.Failed(reply, "A position field (off_topic_char_start, correction_char_start, on_topic_char_start) is missing or not an integer");
            bool valid = off >= 0 && correction >= off && on >= correction && on < responseLength;
            return new BoundaryAnnotation(off, correction, on, Text(root, "correction_phrase"), Text(root, "notes"), valid, reply, null);
        }
        catch (JsonException e)
        {
            return BoundaryAnnotation.Failed(reply, $"Unreadable JSON: {e.Message}");
        }
    }

    private static bool TryPosition(JsonElement root, string name, out int value)
    {
        value = -1;
        return root.TryGetProperty(name, out var field) && field.ValueKind == JsonValueKind.Number && field.TryGetInt32(out value);
    }

    private static string Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var field) && field.ValueKind == JsonValueKind.String ? field.GetString()! : "";

    [GeneratedRegex(@"```json\s*(.*?)\s*```", RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    [GeneratedRegex(@"\{[^{}]*""off_topic_char_start""[^{}]*\}", RegexOptions.Singleline)]
    private static partial Regex FlatObject();
}
