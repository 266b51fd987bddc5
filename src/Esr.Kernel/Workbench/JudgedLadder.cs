using System.Globalization;
using Esr.Kernel.Judging;

namespace Esr.Kernel;

/// <summary>A <see cref="SteeringLadder"/> with each rung's verdict, when a judge graded them.</summary>
/// <param name="Ladder">The completions, one per boost.</param>
/// <param name="Verdicts">One verdict per rung, in the ladder's order; null when not judged.</param>
public sealed record JudgedLadder(SteeringLadder Ladder, IReadOnlyList<Verdict>? Verdicts)
{
    /// <summary>The verdict of rung <paramref name="index"/>, or null when not judged.</summary>
    public Verdict? VerdictAt(int index) => Verdicts?[index];

    /// <summary>One line per boost, with its scores when judged.</summary>
    public override string ToString() => string.Join('\n', Ladder.Rungs.Select((rung, i) =>
        $"{rung.Boost.ToString("R", CultureInfo.InvariantCulture)}: {rung.Completion.Text}{JudgedComparison.Scores(VerdictAt(i))}"));
}
