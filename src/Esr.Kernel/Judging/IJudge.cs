namespace Esr.Kernel.Judging;

/// <summary>Grades one response with the protocol of ESR_SPEC §2.</summary>
public interface IJudge
{
    /// <summary>A name for result folders and caches, e.g. the judge model id.</summary>
    string Name { get; }

    /// <summary>The prompt texts this judge sends.</summary>
    JudgePrompt Prompt { get; }

    /// <summary>
    /// Grades a response. A failed call or an unreadable reply comes back as a verdict with
    /// <see cref="JudgeVerdict.Error"/> set, never as an exception, so one bad grade never loses the other trials;
    /// only cancellation throws.
    /// </summary>
    Task<JudgeVerdict> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default);
}
