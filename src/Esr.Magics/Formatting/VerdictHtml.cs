using Esr.Kernel;
using Esr.Kernel.Judging;

namespace Esr.Magics.Formatting;

/// <summary>A verdict as a table: one row per attempt with its score.</summary>
internal static class VerdictHtml
{
    public static string Of(Verdict verdict)
    {
        var meta = $"<div class=\"esr-meta\">judge {Html.Text(verdict.Judge)} · label '{Html.Text(verdict.Request.FeatureLabel)}' · prompt: {Html.Text(verdict.Request.Prompt)}</div>";
        if (verdict.Result.Error is { } error)
            return Html.View("verdict", $"{meta}<div class=\"esr-error\">judge error: {Html.Text(error)}</div>");
        if (verdict.Attempts.Count == 0)
            return Html.View("verdict", $"{meta}<div class=\"esr-meta\">the judge found no attempt</div><pre class=\"esr-text\">{Html.Text(verdict.Request.Response)}</pre>");
        var rows = string.Concat(verdict.Attempts.Select((attempt, i) =>
            $"<tr><td>{i + 1}</td><td>{AttemptsHtml.Score(attempt.Score)}</td><td class=\"esr-text\">{Html.Text(attempt.Text)}</td></tr>"));
        return Html.View("verdict", $"{meta}<table><thead><tr><th>attempt</th><th>score</th><th>text</th></tr></thead><tbody>{rows}</tbody></table>");
    }
}
