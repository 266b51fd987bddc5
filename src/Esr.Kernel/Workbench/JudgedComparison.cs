using Esr.Kernel.Judging;

namespace Esr.Kernel;

/// <summary>A <see cref="SteerComparison"/> with each completion's verdict, when a judge graded them.</summary>
/// <param name="Comparison">The default and steered completions.</param>
/// <param name="Default">The default completion's verdict, or null when not judged.</param>
/// <param name="Steered">The steered completion's verdict, or null when not judged.</param>
public sealed record JudgedComparison(SteerComparison Comparison, Verdict? Default, Verdict? Steered)
{
    /// <summary>Both texts, each with its scores when judged.</summary>
    public override string ToString() =>
        $"default: {Comparison.Default.Text}{Scores(Default)}\nsteered ({Comparison.Steering}): {Comparison.Steered.Text}{Scores(Steered)}";

    /// <summary>" [scores 80, 100]" for a verdict, nothing for none.</summary>
    internal static string Scores(Verdict? verdict) => verdict switch
    {
        null => "",
        { Result.Error: { } error } => $" [judge error: {error}]",
        _ => $" [scores {string.Join(", ", verdict.Attempts.Select(attempt => Verdict.Score(attempt.Score)))}]",
    };
}
