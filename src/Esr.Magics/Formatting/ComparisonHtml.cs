using Esr.Kernel;
using Esr.Kernel.Judging;

namespace Esr.Magics.Formatting;

/// <summary>The unsteered and steered completions side by side (Neuronpedia's DEFAULT and STEERED), with their attempts.</summary>
internal static class ComparisonHtml
{
    public static string Of(JudgedComparison judged)
    {
        var comparison = judged.Comparison;
        var judge = judged.Steered ?? judged.Default;
        var meta = $"seed {comparison.Steered.Seed} · temperature {Html.Number(comparison.Steered.Settings.Temperature)}" +
            (judge is null ? " · not judged (no judge set)" : $" · judge {judge.Judge} · label '{judge.Request.FeatureLabel}'");
        return Html.View("compare",
            $"<div class=\"esr-meta\">prompt: {Html.Text(comparison.Prompt)}</div>" +
            "<div class=\"esr-cols\">" +
            Column("default", comparison.Default, judged.Default) +
            Column($"steered · {comparison.Steering}", comparison.Steered, judged.Steered) +
            $"</div><div class=\"esr-meta\">{Html.Text(meta)}</div>");
    }

    private static string Column(string title, Completion completion, Verdict? verdict) =>
        $"<div class=\"esr-col\"><h4>{Html.Text(title)}</h4>" +
        $"<div class=\"esr-meta\">{completion.TokenIds.Count} tokens · {completion.FinishReason.ToString().ToLowerInvariant()}</div>" +
        $"{AttemptsHtml.Of(verdict, completion.Text)}</div>";
}
