using Esr.Kernel;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Interventions;
using Esr.Kernel.Judging;
using Microsoft.DotNet.Interactive.Formatting;

namespace Esr.Magics.Formatting;

/// <summary>
/// The notebook views of the kernel's result types: HTML for notebooks, and the types' own text for text/plain
/// (what GitHub, terminals and --name previews show). Formatters are process-wide in .NET Interactive; registering
/// twice replaces the first.
/// </summary>
internal static class EsrFormatters
{
    public static void Register()
    {
        Register<ModelCard>(ModelCardHtml.Of);
        Register<Completion>(CompletionHtml.Of);
        Register<GenerationProgress>(CompletionHtml.Of);
        Register<JudgedComparison>(ComparisonHtml.Of);
        Register<SteerComparison>(comparison => ComparisonHtml.Of(new JudgedComparison(comparison, null, null)));
        Register<JudgedLadder>(LadderHtml.Of);
        Register<SteeringLadder>(ladder => LadderHtml.Of(new JudgedLadder(ladder, null)));
        Register<LatentHeatmap>(HeatmapHtml.Of);
        Register<LatentTrace>(trace => HeatmapHtml.Of(LatentHeatmap.Of(trace)));
        Register<Verdict>(VerdictHtml.Of);
        Register<RunProgress>(ExperimentHtml.Progress, ExperimentHtml.ProgressText);
        Register<ExperimentRunResult>(ExperimentHtml.Result, ExperimentHtml.ResultText);
    }

    private static void Register<T>(Func<T, string> html, Func<T, string>? text = null) where T : notnull
    {
        Formatter.Register<T>(html, HtmlFormatter.MimeType);
        Formatter.Register<T>(text ?? (value => value.ToString() ?? ""), PlainTextFormatter.MimeType);
    }
}
