namespace Esr.Kernel.Judging;

/// <summary>A response body over <see cref="JudgeReplyLimit.MaxBytes"/>; the rest of it was not read.</summary>
internal sealed class JudgeReplyTooLargeException()
    : IOException($"the response body is over {JudgeReplyLimit.Described}; the rest was not read");
