using Esr.Kernel;
using Esr.Kernel.Analysis.Figures;
using Esr.Magics.Formatting;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Directives;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET;

namespace Esr.Magics;

/// <summary>
/// <c>#!esr figure &lt;id&gt; --results &lt;dir&gt;[,...]</c>: a figure of the kernel's catalog drawn inline as an
/// interactive plotly.js chart, with a PNG of it beside for viewers that run no JavaScript (GitHub shows a notebook's
/// image/png); without Chromium the PNG is left out with a one-line note.
/// </summary>
public sealed class EsrFigure : EsrCommand
{
    /// <summary>The figure id.</summary>
    public string? Id { get; set; }

    /// <summary>Comma-separated result paths.</summary>
    public string? Results { get; set; }

    /// <summary>Comma-separated models to keep.</summary>
    public string? Model { get; set; }

    /// <summary>Drop degraded outputs.</summary>
    public bool ExcludeDegraded { get; set; }

    /// <summary>Figure 3's μ.</summary>
    public string? BoostMean { get; set; }

    /// <summary>Figure 3's σ.</summary>
    public string? BoostStd { get; set; }

    /// <summary>Figures 5 and A14's numbers of ablated latents.</summary>
    public string? DetectorCounts { get; set; }

    /// <summary>The C# variable that receives the chart.</summary>
    public string? Name { get; set; }

    internal override string DirectiveName => "figure";

    internal override string Usage =>
        "figure <id> --results <dir>[,...] [--model <m>[,...]] [--exclude-degraded] [--boost-mean μ --boost-std σ] [--detector-counts <n,...|any>] [--name <var>]";

    internal override string Summary =>
        "Draws a paper figure of the catalog (" + string.Join(", ", Workbench.Figures.Select(f => f.Id)) +
        ") from result folders, inline as an interactive Plotly chart with a PNG beside it; --name binds the Plotly.NET chart.";

    internal override int Order => 6;

    internal override IEnumerable<KernelDirectiveParameter> Parameters(EsrSession session) =>
    [
        new KernelDirectiveParameter("--id", "The figure: " + string.Join(", ", Workbench.Figures))
            { AllowImplicitName = true, Required = true }.WithValues([.. Workbench.Figures.Select(f => f.Id)]),
        new KernelDirectiveParameter("--results", "Run folders (or their trials.jsonl), paper result .json files, or folders holding them, comma-separated; readout figures: their experiment's output") { Required = true },
        new KernelDirectiveParameter("--model", "Keep only these models' trials, comma-separated (figure 4-variants: exactly one)"),
        new KernelDirectiveParameter("--exclude-degraded", "Drop degraded (repetitive) outputs; the paper keeps them") { Flag = true },
        new KernelDirectiveParameter("--boost-mean", "Figure 3: μ for every model (default: the runs' threshold statistics)"),
        new KernelDirectiveParameter("--boost-std", "Figure 3: σ for every model (default: the runs' threshold statistics)"),
        new KernelDirectiveParameter("--detector-counts", "Figures 5 and A14: numbers of ablated latents to count, comma-separated, or any (default 22,25,26)"),
        new KernelDirectiveParameter("--name", "A C# variable to receive the Plotly.NET chart"),
    ];

    internal override async Task RunAsync(EsrSession session, KernelInvocationContext context)
    {
        var name = OptionValues.VariableName(Name);
        var figure = Workbench.Figure(Id!);
        var request = new FigureRequest(List(Results!))
        {
            Models = Model is null ? [] : List(Model),
            ExcludeDegraded = ExcludeDegraded,
            BoostMean = BoostMean is null ? null : OptionValues.Number("--boost-mean", BoostMean, 0),
            BoostStd = BoostStd is null ? null : OptionValues.Number("--boost-std", BoostStd, 0),
            DetectorCounts = FigureRequest.ParseDetectorCounts(DetectorCounts),
        };
        var chart = figure.Draw(request, context.CancellationToken);
        var caption = $"figure {figure}";
        Publish(context, chart, new FormattedValue(HtmlFormatter.MimeType, FigureHtml.Of(chart)), caption);
        if (session.FindChromium() is not null)
            Publish(context, chart, new FormattedValue(PngMimeType, Convert.ToBase64String(await PngAsync(chart, request.Scale, context.CancellationToken))), $"{caption} (PNG)");
        else
            KernelInvocationContextExtensions.DisplayAs(context,
                $"No PNG beside the chart: no Chromium found (install Debian's chromium or set {FigureExport.ChromiumVariable}); viewers without JavaScript show nothing.", PlainTextFormatter.MimeType);
        await CSharpBinding.BindAsync(name, chart, context);
    }

    /// <summary>The mime type of a PNG output.</summary>
    public const string PngMimeType = "image/png";

    private static void Publish(KernelInvocationContext context, GenericChart chart, FormattedValue value, string caption) =>
        context.Publish(new DisplayedValueProduced(chart, context.Command, [value, new FormattedValue(PlainTextFormatter.MimeType, caption)]));

    // The chart rendered by headless Chromium.
    private static async Task<byte[]> PngAsync(GenericChart chart, double scale, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"esr-figure-{Guid.NewGuid():N}.png");
        try
        {
            await FigureExport.SavePngAsync(chart, path, scale, cancellationToken);
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string[] List(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
