using Plotly.NET;
using static Esr.Kernel.Analysis.Figures.PlotlyFigure;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>
/// Draws Figure A.3: left, the models' first-attempt score histograms overlaid (counts, as plot_exp8.py; 21 edges
/// 0-100); right, horizontal bars of the mean first-attempt score ±1.96·SE labelled with the model names.
/// </summary>
public static class FirstAttemptChart
{
    /// <summary>The chart of <paramref name="data"/>.</summary>
    public static GenericChart Create(FirstAttemptFigureData data, string title = "No-steering baseline: first-attempt scores")
    {
        ArgumentNullException.ThrowIfNull(data);
        var figure = new PlotlyFigure(title, 1400, 560);
        var models = Strings(data.Summary, "model");
        var names = Strings(data.Summary, "display_name").Select(HtmlText.Escape).ToArray();
        var colours = models.Select(m => ModelStyle.For(m).Colour).ToArray();
        var histModels = Strings(data.Histogram, "model");
        var centres = Doubles(data.Histogram, "bin_centre");
        var counts = Doubles(data.Histogram, "count");
        for (int m = 0; m < models.Length; m++)
        {
            var rows = Enumerable.Range(0, histModels.Length).Where(i => histModels[i] == models[m]).ToArray();
            figure.Add("bar", new
            {
                x = rows.Select(i => centres[i]).ToArray(),
                y = rows.Select(i => counts[i]).ToArray(),
                width = 5,
                name = names[m],
                marker = new { color = colours[m], opacity = 0.5, line = new { color = "black", width = 0.5 } },
                xaxis = "x",
                yaxis = "y",
            });
        }
        figure.Layout("barmode", "overlay");
        figure.Layout("xaxis", new { domain = new[] { 0.0, 0.55 }, range = new[] { 0.0, 100.0 }, anchor = "y", title = new { text = "First-Attempt Score" }, gridcolor = "#e5e5e5" });
        figure.Layout("yaxis", new { anchor = "x", title = new { text = "Count" }, gridcolor = "#e5e5e5" });
        figure.Add("bar", new
        {
            x = Values(Doubles(data.Summary, "first_attempt_score")),
            y = names,
            orientation = "h",
            marker = new { color = colours, opacity = 0.7, line = new { color = "black", width = 1 } },
            error_x = new { type = "data", array = Errors(Doubles(data.Summary, "first_attempt_score_se")), visible = true, thickness = 1.5, width = 5 },
            name = "Mean First-Attempt Score",
            showlegend = false,
            xaxis = "x2",
            yaxis = "y2",
        });
        figure.Layout("xaxis2", new { domain = new[] { 0.7, 1.0 }, range = new[] { 0.0, 100.0 }, anchor = "y2", title = new { text = "Mean First-Attempt Score" }, gridcolor = "#e5e5e5" });
        figure.Layout("yaxis2", new { anchor = "x2", type = "category", autorange = "reversed" });
        return figure.ToChart();
    }
}
