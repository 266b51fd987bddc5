using System.Globalization;
using Esr.Kernel.Judging;
using Microsoft.Data.Analysis;

namespace Esr.Kernel.Judging;

/// <summary>A judge's grade of one response: what was asked, by which judge, and the attempts with their scores.</summary>
/// <param name="Judge">The judge's name (<see cref="IJudge.Name"/>).</param>
/// <param name="Request">The prompt, response and feature label graded.</param>
/// <param name="Result">The attempts, the raw reply, or the error.</param>
public sealed record Verdict(string Judge, JudgeRequest Request, JudgeVerdict Result)
{
    /// <summary>The graded attempts; empty when the judge found none or failed (see <see cref="JudgeVerdict.Error"/>).</summary>
    public IReadOnlyList<Attempt> Attempts => Result.Attempts ?? [];

    /// <summary>The first attempt's score, or null.</summary>
    public double? FirstScore => Attempts.Count > 0 ? Attempts[0].Score : null;

    /// <summary>The last attempt's score, or null.</summary>
    public double? LastScore => Attempts.Count > 0 ? Attempts[^1].Score : null;

    /// <summary>One row per attempt: <c>attempt</c> (from 1), <c>score</c> (missing when none was given) and <c>text</c>.</summary>
    public DataFrame ToDataFrame()
    {
        var score = new DoubleDataFrameColumn("score", Attempts.Count);
        for (var i = 0; i < Attempts.Count; i++) score[i] = Attempts[i].Score;
        return new DataFrame(new Int32DataFrameColumn("attempt", Enumerable.Range(1, Attempts.Count)), score,
            new StringDataFrameColumn("text", Attempts.Select(attempt => attempt.Text)));
    }

    /// <summary>The judge and label, then one line per attempt with its score (or the error).</summary>
    public override string ToString()
    {
        var head = $"judge {Judge}, label '{Request.FeatureLabel}': ";
        if (Result.Error is { } error) return head + error;
        if (Attempts.Count == 0) return head + "no attempt";
        return head + $"{Attempts.Count} attempt(s)\n" + string.Join('\n', Attempts.Select((attempt, i) =>
            $"{i + 1}. [{Score(attempt.Score)}] {attempt.Text}"));
    }

    /// <summary>A score as shown: a number, or "-" when the judge gave none.</summary>
    public static string Score(double? score) => score?.ToString("0.#", CultureInfo.InvariantCulture) ?? "-";
}
