namespace Esr.Kernel.Judging;

/// <summary>
/// What one judge call produced: the attempts, the judge's reply as received, or the error that stopped it.
/// </summary>
/// <param name="Attempts">
/// The graded attempts; empty when the judge found no attempt; null when the reply had no usable
/// <c>attempts</c> list or the call failed.
/// </param>
/// <param name="RawReply">The judge's full reply text; null when no reply arrived.</param>
/// <param name="Error">"&lt;ErrorType&gt;: &lt;message&gt;" when the call or the parse failed, else null.</param>
public sealed record JudgeVerdict(IReadOnlyList<Attempt>? Attempts, string? RawReply, string? Error)
{
    /// <summary>True when there is no error.</summary>
    public bool Succeeded => Error is null;

    /// <summary>A verdict for a call that failed before or while reading the reply.</summary>
    public static JudgeVerdict Failed(string? rawReply, string errorType, string message) =>
        new(null, rawReply, $"{errorType}: {message}");
}
