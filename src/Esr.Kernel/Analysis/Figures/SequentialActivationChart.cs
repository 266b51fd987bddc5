using Microsoft.Data.Analysis;
using Plotly.NET;
using static Esr.Kernel.Analysis.Figures.PlotlyFigure;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>
/// Draws Figure 6: three rows sharing the token axis (heights 0.3 / 1.2 / 1.2): the region strip, "Off-topic
/// detectors (sum)" and the bottom row's latent ("Sarcastic backtracking" in the paper), both smoothed, with the regions
/// shaded behind the lines.
/// </summary>
public static class SequentialActivationChart
{
    /// <summary>The line colours, detector sum then backtracking.</summary>
    public static IReadOnlyList<string> LineColours { get; } = ["#c0392b", "#2c3e50"];

    /// <summary>The chart of a <see cref="SequentialActivationFigure.Build"/> frame with the readout's regions and bottom row's title.</summary>
    public static GenericChart Create(
        DataFrame frame, IReadOnlyList<TokenRegion> regions, string bottomTitle = SequentialActivations.PaperBacktrackingTitle, string title = "Activations over one self-correcting response")
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(regions);
        var figure = new PlotlyFigure(title, 1400, 700);
        var x = Doubles(frame, "position");
        // Domains proportional to 0.3 : 1.2 : 1.2 with small gaps, top to bottom.
        double[][] domains = [[0.89, 1.0], [0.46, 0.86], [0.0, 0.40]];
        string[] series = ["otd_sum_smoothed", "backtracking_smoothed"];
        string[] titles = ["Off-topic detectors (sum)", bottomTitle];
        figure.Layout("xaxis", new { anchor = "y", showticklabels = false, range = new[] { 0, x.Length }, showgrid = false });
        figure.Layout("yaxis", new { domain = domains[0], anchor = "x", showticklabels = false, range = new[] { 0, 1 }, showgrid = false });
        for (int r = 0; r < 2; r++)
        {
            int k = r + 2;
            figure.Add("scatter", new { x, y = Values(Doubles(frame, series[r])), mode = "lines", name = titles[r], line = new { color = LineColours[r], width = 2 }, xaxis = Axis('x', k), yaxis = Axis('y', k) });
            figure.Layout(AxisKey('x', k), new { anchor = Axis('y', k), matches = "x", showticklabels = r == 1, title = new { text = r == 1 ? "Token position" : "" }, gridcolor = "#e5e5e5" });
            figure.Layout(AxisKey('y', k), new { domain = domains[r + 1], anchor = Axis('x', k), title = new { text = titles[r] }, gridcolor = "#e5e5e5" });
        }
        foreach (var region in regions)
        {
            figure.Shape(new { type = "rect", xref = "x", yref = "y", x0 = region.Start, x1 = region.End, y0 = 0, y1 = 1, fillcolor = region.Colour, opacity = 0.6, line = new { width = 0 } });
            figure.Annotation(new { text = HtmlText.Escape(region.Label), xref = "x", yref = "y", x = (region.Start + region.End) / 2.0, y = 0.5, showarrow = false, font = new { size = 12, color = "black" } });
            for (int k = 2; k <= 3; k++)
                figure.Shape(new { type = "rect", xref = Axis('x', k), yref = Axis('y', k) + " domain", x0 = region.Start, x1 = region.End, y0 = 0, y1 = 1, fillcolor = region.Colour, opacity = 0.12, line = new { width = 0 }, layer = "below" });
        }
        figure.Layout("showlegend", false);
        return figure.ToChart();
    }
}
