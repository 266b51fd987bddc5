using Plotly.NET;
using static Esr.Kernel.Analysis.Figures.PlotlyFigure;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>
/// Draws Figure A.15: the smoothed mean OTD (#e74c3c) and backtracking (#3498db) activations around the correction
/// token with ±SEM bands, the off-topic side shaded, one faint span per episode's correction, a dashed line at 0
/// and the labels "Off-topic", "Correction (fading)", "On-topic".
/// </summary>
public static class CorrectionAlignedChart
{
    /// <summary>OTD colour.</summary>
    public const string OtdColour = "#e74c3c";

    /// <summary>Backtracking colour.</summary>
    public const string BacktrackingColour = "#3498db";

    /// <summary>The chart of <paramref name="data"/>.</summary>
    public static GenericChart Create(CorrectionAlignedData data, string title = "Activations aligned on the correction start")
    {
        ArgumentNullException.ThrowIfNull(data);
        var figure = new PlotlyFigure(title, 1200, 560);
        var x = Doubles(data.Series, "offset");
        double first = x.Length == 0 ? 0 : x[0], last = x.Length == 0 ? 0 : x[^1];
        figure.Shape(new { type = "rect", xref = "x", yref = "y domain", x0 = first, x1 = 0, y0 = 0, y1 = 1, fillcolor = OtdColour, opacity = 0.06, line = new { width = 0 }, layer = "below" });
        foreach (var length in data.CorrectionLengths)
            figure.Shape(new { type = "rect", xref = "x", yref = "y domain", x0 = 0, x1 = length, y0 = 0, y1 = 1, fillcolor = "#f39c12", opacity = Math.Max(0.01, 0.3 / data.CorrectionLengths.Count), line = new { width = 0 }, layer = "below" });
        figure.LineWithBand(x, Doubles(data.Series, "otd_smoothed"), Doubles(data.Series, "otd_sem"), OtdColour, "Off-topic detectors", "x", "y", 2);
        figure.LineWithBand(x, Doubles(data.Series, "bt_smoothed"), Doubles(data.Series, "bt_sem"), BacktrackingColour, "Backtracking latents", "x", "y", 2);
        figure.VerticalLine(0, "x", "y", "black");
        foreach (var (at, text) in new[] { (-75.0, "Off-topic"), (1.5 * data.MedianCorrectionLength, "Correction (fading)"), (90.0, "On-topic") })
            figure.Annotation(new { text, xref = "x", yref = "y domain", x = at, y = 0.97, showarrow = false, font = new { size = 13 } });
        figure.Layout("xaxis", new { title = new { text = "Tokens Relative to Correction Start" }, range = new[] { first, last }, gridcolor = "#e5e5e5" });
        figure.Layout("yaxis", new { title = new { text = "Mean Activation" }, gridcolor = "#e5e5e5" });
        return figure.ToChart();
    }
}
