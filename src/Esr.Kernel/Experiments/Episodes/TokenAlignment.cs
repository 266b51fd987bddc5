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
    /// whitespace the template trimmed, or, where the decoded tokens drop the spaces between words, spells the response
    /// token by token.
    /// </summary>
    public static (int OffTopic, int Correction, int OnTopic) Boundaries(
        IReadOnlyList<string> tokenStrings, int responseStart, string response, BoundaryAnnotation annotation, BoundaryMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(annotation);
        var map = CharMap(tokenStrings, responseStart, response, mapping);
        return (map(annotation.OffTopicCharStart), map(annotation.CorrectionCharStart), map(annotation.OnTopicCharStart));
    }

    /// <summary>
    /// The token of a response character position (−1 for a negative one) by <paramref name="mapping"/>, as
    /// <see cref="Boundaries"/> maps each boundary; the alignment is worked out once, for any number of positions.
    /// </summary>
    public static Func<int, int> CharMap(IReadOnlyList<string> tokenStrings, int responseStart, string response, BoundaryMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(tokenStrings);
        ArgumentNullException.ThrowIfNull(response);
        int? shift = mapping == BoundaryMapping.Aligned ? ContentOffset(tokenStrings, responseStart, response) : 0;
        var spelled = shift is null ? SpelledEnds(tokenStrings, responseStart, response) : null;
        return c =>
        {
            if (c < 0) return -1;
            if (spelled is null) return CharToToken(tokenStrings, responseStart, Math.Max(0, c + (shift ?? 0)));
            int i = spelled.FindIndex(end => end > c); // the token holding c, or the next one after whitespace
            return i < 0 ? tokenStrings.Count - 1 : responseStart + i;
        };
    }

    // Where each token from responseStart ends in the response, for tokenizers whose tokens decoded one by one drop
    // the spaces between words (a word-level vocabulary, as the toy world's): the content's first token must spell
    // the trimmed response's start, each later one the text after it, whitespace apart; tokens before the content
    // (the header) end at 0. Null when the tokens do not spell the response that way.
    private static List<int>? SpelledEnds(IReadOnlyList<string> tokenStrings, int responseStart, string response)
    {
        var ends = new List<int>();
        int cursor = response.Length - response.TrimStart().Length;
        bool started = false;
        for (int i = responseStart; i < tokenStrings.Count && cursor < response.Length; i++)
        {
            var text = tokenStrings[i].Trim();
            if (text.Length > 0 && string.CompareOrdinal(response, cursor, text, 0, text.Length) == 0)
            {
                started = true;
                cursor += text.Length;
                while (cursor < response.Length && char.IsWhiteSpace(response[cursor])) cursor++;
            }
            else if (started && text.Length > 0) return null;
            ends.Add(started ? cursor : 0);
        }
        return started ? ends : null;
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
