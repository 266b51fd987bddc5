using System.Globalization;
using Esr.Kernel;
using Esr.Kernel.Analysis;
using Esr.Kernel.Experiments.Runs;

namespace Esr.Magics.Formatting;

/// <summary>An experiment's progress line and its result: the paper's metrics with their intervals.</summary>
internal static class ExperimentHtml
{
    /// <summary>done/total, trials per minute, ETA and phase, as text.</summary>
    public static string ProgressText(RunProgress progress)
    {
        var eta = progress.Eta is { } left ? $"ETA {left:hh\\:mm\\:ss}" : "ETA -";
        return $"{progress.Done}/{progress.Total} trials · {progress.TrialsPerMinute.ToString("F1", CultureInfo.InvariantCulture)} trials/min · {eta} · {progress.Phase}";
    }

    public static string Progress(RunProgress progress)
    {
        var bar = progress.Total > 0 ? $"<progress max=\"{progress.Total}\" value=\"{progress.Done}\"></progress> " : "";
        return Html.View("progress", $"<div>{bar}{Html.Text(ProgressText(progress))}</div>");
    }

    /// <summary>The result as text: the run folder, what this start did, the metrics.</summary>
    public static string ResultText(ExperimentRunResult result)
    {
        var lines = new List<string> { $"experiment {result.Experiment}: {result.Directory}" };
        if (result.Outcome is { } outcome) lines.Add(OutcomeText(outcome));
        if (result.Summary is { } summary) lines.AddRange(Metrics(summary).Select(row => $"{row.Name}: {Estimate(row.Value)}"));
        else lines.Add(result.Report);
        lines.AddRange(result.Files);
        return string.Join('\n', lines);
    }

    public static string Result(ExperimentRunResult result)
    {
        var head = $"<div class=\"esr-meta\">experiment {Html.Text(result.Experiment)} · {Html.Text(result.Directory)}" +
            (result.Outcome is { } outcome ? $" · {Html.Text(OutcomeText(outcome))}" : "") + "</div>";
        if (result.Summary is not { } summary)
            return Html.View("experiment", head + $"<pre class=\"esr-text\">{Html.Text(string.Join('\n', [result.Report, .. result.Files]))}</pre>");
        var rows = string.Concat(Metrics(summary).Select(row =>
            $"<tr><td>{Html.Text(row.Name)}</td><td>{Html.Number(row.Value.Value)}</td><td>[{Html.Number(row.Value.Low)}, {Html.Number(row.Value.High)}]</td><td>{row.Value.N}</td></tr>"));
        return Html.View("experiment", head +
            $"<table><thead><tr><th>metric</th><th>value</th><th>interval</th><th>N</th></tr></thead><tbody>{rows}</tbody></table>" +
            $"<div class=\"esr-meta\">{summary.Included} trials included, {summary.Degraded} degraded, {summary.MultiAttempt} with several attempts, {summary.Improved} improved</div>");
    }

    private static string OutcomeText(RunOutcome outcome) =>
        $"{outcome.AlreadyStored + outcome.Written}/{outcome.Total} trials ({outcome.AlreadyStored} stored before, {outcome.Written} written by this start)";

    private static string Estimate(Estimate value) =>
        $"{Html.Number(value.Value)} [{Html.Number(value.Low)}, {Html.Number(value.High)}] (N {value.N})";

    private static (string Name, Estimate Value)[] Metrics(EsrSummary summary) =>
    [
        ("first-attempt score", summary.FirstAttemptScore),
        ("multi-attempt %", summary.MultiAttemptPercent),
        ("ESR rate %", summary.EsrRate),
        ("improvement rate %", summary.ImprovementRate),
        ("mean score improvement", summary.MeanScoreImprovement),
        ("mean score improvement, all trials", summary.MeanScoreImprovementAllTrials),
    ];
}
