using Esr.Kernel;

namespace Esr.Magics.Formatting;

/// <summary>One row per boost of a latent, attempts and scores side by side: the threshold and the restarts in view.</summary>
internal static class LadderHtml
{
    public static string Of(JudgedLadder judged)
    {
        var ladder = judged.Ladder;
        var first = ladder.Rungs[0].Completion;
        var judge = judged.Verdicts?.FirstOrDefault();
        var label = judge?.Request.FeatureLabel;
        var rows = string.Concat(ladder.Rungs.Select((rung, i) =>
        {
            var verdict = judged.VerdictAt(i);
            var scores = verdict is null || verdict.Attempts.Count == 0
                ? "-"
                : string.Concat(verdict.Attempts.Select(attempt => AttemptsHtml.Score(attempt.Score)));
            return $"<tr><th>{Html.Text(Html.Number(rung.Boost, 6))}</th><td class=\"esr-scores\">{scores}</td><td>{AttemptsHtml.Of(verdict, rung.Completion.Text)}</td></tr>";
        }));
        var meta = $"latent {ladder.Latent}{(label is null ? "" : $" '{label}'")} · seed {first.Seed} · temperature {Html.Number(first.Settings.Temperature)}" +
            (judge is null ? " · not judged (no judge set)" : $" · judge {judge.Judge}");
        return Html.View("ladder",
            $"<div class=\"esr-meta\">prompt: {Html.Text(ladder.Prompt)}</div>" +
            $"<table><thead><tr><th>boost</th><th>scores</th><th>attempts</th></tr></thead><tbody>{rows}</tbody></table>" +
            $"<div class=\"esr-meta\">{Html.Text(meta)}</div>");
    }
}
