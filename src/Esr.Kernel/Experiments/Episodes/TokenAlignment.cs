namespace Esr.Kernel.Experiments.Episodes;

/// <summary>Token positions of a templated [user, assistant] sequence (ESR_SPEC §7.2 step 4).</summary>
public static class TokenAlignment
{
    /// <summary>
    /// The paper's response start: 1 + the first index above 10 whose token text contains "assistant"
    /// (case-insensitive); failing that (Gemma), 1 + the first index above 10 of a token containing "model" right
    /// after a <c>&lt;start_of_turn&gt;</c> token; failing both, 0.
    /// </summary>
    public static int ResponseStart(IReadOnlyList<string> tokenStrings)
    {
        ArgumentNullException.ThrowIfNull(tokenStrings);
        for (int i = 11; i < tokenStrings.Count; i++)
            if (tokenStrings[i].Contains("assistant", StringComparison.OrdinalIgnoreCase)) return i + 1;
        for (int i = 11; i < tokenStrings.Count; i++)
            if (tokenStrings[i].Contains("model", StringComparison.Ordinal) && tokenStrings[i - 1] == "<start_of_turn>") return i + 1;
        return 0;
    }

    /// <summary>
    /// The paper's character→token rule: walking tokens from <paramref name="responseStart"/> and summing their text
    /// lengths, the first token whose running start offset is ≥ <paramref name="charPosition"/>; −1 stays −1; past
    /// the end gives the last token.
    /// </summary>
    public static int CharToToken(IReadOnlyList<string> tokenStrings, int responseStart, int charPosition)
    {
        ArgumentNullException.ThrowIfNull(tokenStrings);
        if (charPosition < 0) return -1;
        int offset = 0;
        for (int i = responseStart; i < tokenStrings.Count; i++)
        {
            if (offset >= charPosition) return i;
            offset += tokenStrings[i].Length;
        }
        return tokenStrings.Count - 1;
    }

    /// <summary>
    /// The three boundaries as tokens. <see cref="BoundaryMapping.Paper"/> applies <see cref="CharToToken"/> from
    /// <paramref name="responseStart"/>; <see cref="BoundaryMapping.Aligned"/> first finds where the response's trimmed
    /// text begins in the decoded tokens after <paramref name="responseStart"/> and shifts the positions by the
    /// whitespace the template trimmed.
    /// </summary>
    public static (int OffTopic, int Correction, int OnTopic) Boundaries(
        IReadOnlyList<string> tokenStrings, int responseStart, string response, BoundaryAnnotation annotation, BoundaryMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(tokenStrings);
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(annotation);
        int shift = mapping == BoundaryMapping.Aligned ? ContentOffset(tokenStrings, responseStart, response) ?? 0 : 0;
        int Map(int c) => c < 0 ? -1 : CharToToken(tokenStrings, responseStart, Math.Max(0, c + shift));
        return (Map(annotation.OffTopicCharStart), Map(annotation.CorrectionCharStart), Map(annotation.OnTopicCharStart));
    }

    // The amount to add to a response character position to get an offset in the text walked from responseStart.
    private static int? ContentOffset(IReadOnlyList<string> tokenStrings, int responseStart, string response)
    {
        var trimmed = response.TrimStart();
        if (trimmed.Length == 0) return null;
        var walked = string.Concat(tokenStrings.Skip(responseStart));
        var probe = trimmed[..Math.Min(trimmed.Length, 32)];
        int at = walked.IndexOf(probe, StringComparison.Ordinal);
        return at < 0 ? null : at - (response.Length - trimmed.Length);
    }
}
