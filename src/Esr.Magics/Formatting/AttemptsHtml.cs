using Esr.Kernel;
using Esr.Kernel.Judging;

namespace Esr.Magics.Formatting;

/// <summary>A response split into its graded attempts, each with a score badge; or the plain text when not judged.</summary>
internal static class AttemptsHtml
{
    /// <summary>The attempts of <paramref name="verdict"/> side by side, or <paramref name="text"/> when there is no verdict or it failed.</summary>
    public static string Of(Verdict? verdict, string text)
    {
        var full = $"<pre class=\"esr-text\">{Html.Text(text)}</pre>";
        if (verdict is null) return full;
        if (verdict.Result.Error is { } error) return $"<div class=\"esr-error\">judge error: {Html.Text(error)}</div>{full}";
        if (verdict.Attempts.Count == 0) return $"<div class=\"esr-meta\">the judge found no attempt</div>{full}";
        var attempts = string.Concat(verdict.Attempts.Select(Attempt));
        return $"<div class=\"esr-attempts\">{attempts}</div><details><summary>full text</summary>{full}</details>";
    }

    /// <summary>A score badge coloured by how on-task the attempt is.</summary>
    public static string Score(double? score)
    {
        var kind = score switch { null => "none", >= 70 => "high", >= 30 => "mid", _ => "low" };
        return $"<span class=\"esr-score esr-{kind}\">{Html.Text(Verdict.Score(score))}</span>";
    }

    private static string Attempt(Attempt attempt) => $"<div class=\"esr-attempt\">{Score(attempt.Score)}{Html.Text(attempt.Text)}</div>";
}
