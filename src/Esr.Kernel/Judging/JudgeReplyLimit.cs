namespace Esr.Kernel.Judging;

/// <summary>
/// How large a judging model's reply may be. A 4 096-token reply is some 16 KiB, so the limit is generous; it stops a
/// broken or hostile server from filling memory, the terminal and the result files. The backends' HTTP layer stops
/// reading a response body at the limit, and <see cref="JudgeReplyParser"/> refuses a longer reply text from any client.
/// </summary>
public static class JudgeReplyLimit
{
    /// <summary>The most bytes of one HTTP response body, and of one reply text in UTF-8: 1 MiB.</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>The error type of a reply over the limit, as verdicts write it before the message.</summary>
    public const string ErrorType = "JudgeReplyTooLarge";

    /// <summary>The limit as error messages name it.</summary>
    internal const string Described = "the 1 MiB limit (JudgeReplyLimit.MaxBytes)";
}
