namespace Esr.Kernel.Experiments.Episodes;

/// <summary>How annotated character positions become token positions (ESR_SPEC §7.2 step 4).</summary>
public enum BoundaryMapping
{
    /// <summary>
    /// [QUIRK] The paper's rule: walk the token strings from the response start (which lands on the header's end
    /// token, e.g. 17-character <c>&lt;|end_header_id|&gt;</c>) adding their lengths, although the template trimmed
    /// the response's leading whitespace; boundaries land ≈17 characters (3-5 tokens) early.
    /// </summary>
    Paper,

    /// <summary>
    /// Positions measured from where the response's trimmed text actually starts in the templated sequence, so each
    /// boundary lands on the token holding its character; for tokens whose texts drop the spaces between words, by
    /// spelling the response token by token (falls back to <see cref="Paper"/> when the text is not found either way).
    /// </summary>
    Aligned,
}
