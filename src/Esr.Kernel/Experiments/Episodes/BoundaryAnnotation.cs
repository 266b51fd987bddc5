namespace Esr.Kernel.Experiments.Episodes;

/// <summary>
/// Where an episode's response goes off-topic, starts its correction and returns on-topic, as character positions
/// (0-based, −1 when the annotator found none), from the annotator's reply.
/// </summary>
/// <param name="OffTopicCharStart">Start of the off-topic part (often 0).</param>
/// <param name="CorrectionCharStart">Start of the correction phrase ("Wait", "Actually", ...).</param>
/// <param name="OnTopicCharStart">Start of the on-topic answer after the correction.</param>
/// <param name="CorrectionPhrase">The correction phrase as the annotator quoted it.</param>
/// <param name="Notes">The annotator's notes.</param>
/// <param name="Valid">off ≥ 0, correction ≥ off, on ≥ correction and on &lt; the response length.</param>
/// <param name="RawResponse">The annotator's reply; null when the call failed.</param>
/// <param name="Error">Why no positions were read (call failure, no JSON, missing fields); null otherwise.</param>
public sealed record BoundaryAnnotation(
    int OffTopicCharStart, int CorrectionCharStart, int OnTopicCharStart, string CorrectionPhrase, string Notes,
    bool Valid, string? RawResponse, string? Error)
{
    /// <summary>An annotation that could not be read.</summary>
    public static BoundaryAnnotation Failed(string? raw, string error) => new(-1, -1, -1, "", "", false, raw, error);
}
