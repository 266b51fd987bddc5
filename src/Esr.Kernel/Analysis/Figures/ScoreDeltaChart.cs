using System.Globalization;
using Plotly.NET;
using static Esr.Kernel.Analysis.Figures.PlotlyFigure;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>
/// Draws Figure 2 / A.2: left, one density histogram of score deltas per model (dashed red line at 0, "x% improved"
/// and model labels); middle, horizontal "Multi-Attempt %" bars; right, "ESR Rate" bars (axis at least 0-10) or the
/// mean improvement over all trials; error bars ±1.96·SE; model colours from <see cref="ModelStyle"/>.
/// </summary>
public static class ScoreDeltaChart
{
    /// <summary>The chart of <paramref name="data"/>.</summary>
    public static GenericChart Create(ScoreDeltaFigureData data, string title = "Endogenous steering resistance across models")
    {
        ArgumentNullException.ThrowIfNull(data);
        var summary = data.Summary;
        var models = Strings(summary, "model");
        int n = models.Length;
        var figure = new PlotlyFigure(title, 1400, Math.Max(420, 150 * n + 120));
        var colours = models.Select(m => ModelStyle.For(m).Colour).ToArray();
        double gap = n > 1 ? 0.02 : 0;
        for (int i = 0; i < n; i++)
        {
            int k = i + 1;
            string x = Axis('x', k), y = Axis('y', k);
            var rows = Enumerable.Range(0, (int)data.Histogram.Rows.Count).Where(r => (string)data.Histogram["model"][r] == models[i]).ToList();
            figure.Add("bar", new
            {
                x = rows.Select(r => (double)data.Histogram["bin_centre"][r]).ToArray(),
                y = rows.Select(r => (double)data.Histogram["density"][r]).ToArray(),
                width = ScoreDeltaFigure.BinWidth,
                name = HtmlText.Escape(Strings(summary, "display_name")[i]),
                marker = new { color = colours[i], opacity = 0.7, line = new { color = "black", width = 0.5 } },
                xaxis = x,
                yaxis = y,
                showlegend = false,
            });
            double top = 1 - (double)i / n - gap, bottom = 1 - (double)(i + 1) / n + gap;
            bool last = i == n - 1;
            figure.Layout(AxisKey('x', k), new
            {
                domain = new[] { 0.0, 0.58 },
                range = new[] { -100.0, 100.0 },
                anchor = y,
                showticklabels = last,
                title = new { text = last ? "Score Delta (Last Attempt - First Attempt)" : "" },
                showgrid = true,
                gridcolor = "#e5e5e5",
            });
            var multi = (int)summary["multi_attempt"][i];
            // A model without multi-attempt trials has an empty histogram: no density ticks, as in the paper.
            double[]? yRange = multi == 0 ? [0, 1] : null;
            figure.Layout(AxisKey('y', k), new
            {
                domain = new[] { bottom, top }, anchor = x, title = new { text = i == n / 2 ? "Density" : "" }, gridcolor = "#e5e5e5",
                range = yRange, showticklabels = multi > 0,
            });
            figure.VerticalLine(0, x, y);
            var improved = Doubles(summary, "improvement_rate")[i];
            figure.Annotation(new
            {
                text = multi == 0 ? "No self-correction" : string.Create(CultureInfo.InvariantCulture, $"{improved:F0}% improved"),
                xref = x + " domain", yref = y + " domain", x = 0.02, y = 0.95, xanchor = "left", yanchor = "top", showarrow = false,
                bgcolor = "rgba(255,255,255,0.8)", font = new { size = 13 },
            });
            figure.Annotation(new
            {
                text = $"<b>{HtmlText.Escape(Strings(summary, "display_name")[i])}</b>", xref = x + " domain", yref = y + " domain", x = 0.85, y = 0.95,
                xanchor = "center", yanchor = "top", showarrow = false, bgcolor = "rgba(255,255,255,0.8)", font = new { size = 14 },
            });
        }
        bool esr = data.RightPanel == ScoreDeltaPanel.EsrRate;
        BarPanel(figure, n + 1, new[] { 0.64, 0.80 }, Doubles(summary, "multi_attempt_pct"), Doubles(summary, "multi_attempt_pct_se"), colours, "Multi-Attempt %", minimumMax: 1, symmetric: false);
        BarPanel(figure, n + 2, new[] { 0.84, 1.0 },
            Doubles(summary, esr ? "esr_rate" : "msi_all_trials"), Doubles(summary, esr ? "esr_rate_se" : "msi_all_trials_se"),
            colours, esr ? "ESR Rate" : "Mean Improvement", minimumMax: esr ? 10 : 1, symmetric: !esr);
        return figure.ToChart();
    }

    // One horizontal bar per model, the first at the top so bars line up with the histogram rows.
    private static void BarPanel(PlotlyFigure figure, int k, double[] domain, double[] values, double[] ses, string[] colours, string title, double minimumMax, bool symmetric)
    {
        int n = values.Length;
        var errors = Errors(ses);
        string x = Axis('x', k), y = Axis('y', k);
        figure.Add("bar", new
        {
            x = Values(values),
            y = Enumerable.Range(0, n).ToArray(),
            orientation = "h",
            width = 0.6,
            marker = new { color = colours, opacity = 0.7, line = new { color = "black", width = 1 } },
            error_x = new { type = "data", array = errors, visible = true, thickness = 1, width = 3 },
            name = title,
            xaxis = x,
            yaxis = y,
            showlegend = false,
        });
        double reach = values.Select((v, i) => double.IsNaN(v) ? 0 : Math.Abs(v) + errors[i]).DefaultIfEmpty(0).Max() * 1.15;
        double max = Math.Max(minimumMax, reach);
        figure.Layout(AxisKey('x', k), new { domain, anchor = y, range = new[] { symmetric ? -max : 0, max }, title = new { text = title }, gridcolor = "#e5e5e5" });
        figure.Layout(AxisKey('y', k), new { domain = new[] { 0.0, 1.0 }, anchor = x, range = new[] { n - 0.5, -0.5 }, showticklabels = false, showgrid = false });
        if (symmetric) figure.VerticalLine(0, x, y);
        for (int i = 0; i < n; i++)
        {
            if (double.IsNaN(values[i])) continue;
            figure.Annotation(new
            {
                text = $"<b>{values[i].ToString("F1", CultureInfo.InvariantCulture)}{(symmetric ? "" : "%")}</b>",
                xref = x, yref = y, x = values[i] >= 0 ? values[i] + errors[i] : values[i] - errors[i], y = i,
                xanchor = values[i] >= 0 ? "left" : "right", showarrow = false, font = new { size = 12 },
            });
        }
    }
}
