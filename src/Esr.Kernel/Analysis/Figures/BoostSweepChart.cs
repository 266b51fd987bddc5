using Plotly.NET;
using static Esr.Kernel.Analysis.Figures.PlotlyFigure;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>
/// Draws Figure 3: three stacked panels sharing x ("Multi-Attempt %", "Multi-Attempt Improvement Rate", "ESR Rate"
/// with y 0-5), smoothed lines of width 4 (#6A0DAD for Llama-3.3-70B) with 95 % bands, a dashed red line at x = 0.
/// </summary>
public static class BoostSweepChart
{
    /// <summary>The 70B boost-sweep colour.</summary>
    public const string Llama70BColour = "#6A0DAD";

    private static readonly string[] Titles = ["Multi-Attempt %", "Multi-Attempt Improvement Rate", "ESR Rate"];

    /// <summary>The chart of a <see cref="BoostSweepFigure"/> frame.</summary>
    public static GenericChart Create(Microsoft.Data.Analysis.DataFrame frame, string title = "ESR across boost levels")
    {
        ArgumentNullException.ThrowIfNull(frame);
        var figure = new PlotlyFigure(title, 900, 1000);
        var models = Strings(frame, "model");
        var x = Doubles(frame, "normalized_boost");
        for (int panel = 0; panel < 3; panel++)
        {
            int k = panel + 1;
            string series = BoostSweepFigure.Series[panel];
            var values = Doubles(frame, series + "_smoothed");
            var ses = Doubles(frame, series + "_se_smoothed");
            foreach (var model in models.Distinct())
            {
                var rows = Enumerable.Range(0, models.Length).Where(i => models[i] == model).ToArray();
                var style = ModelStyle.For(model);
                string colour = style.ParameterBillions == 70 ? Llama70BColour : style.Colour;
                figure.LineWithBand(rows.Select(i => x[i]).ToArray(), rows.Select(i => values[i]).ToArray(),
                    Errors(rows.Select(i => ses[i])), colour, style.DisplayName, Axis('x', k), Axis('y', k), 4);
            }
            double top = 1 - panel / 3.0 - 0.03, bottom = 1 - (panel + 1) / 3.0 + 0.03;
            figure.Layout(AxisKey('x', k), new
            {
                anchor = Axis('y', k), matches = panel == 0 ? null : "x", showticklabels = panel == 2,
                title = new { text = panel == 2 ? "Normalized Boost Level (standard deviations from mean)" : "" }, gridcolor = "#e5e5e5",
            });
            double[]? yRange = panel == 2 ? Covering([0, 5], values.Zip(Errors(ses), (v, e) => v + e)) : null;
            figure.Layout(AxisKey('y', k), new { domain = new[] { bottom, top }, anchor = Axis('x', k), title = new { text = Titles[panel] }, range = yRange, gridcolor = "#e5e5e5" });
            figure.VerticalLine(0, Axis('x', k), Axis('y', k));
        }
        figure.Layout("showlegend", models.Distinct().Count() > 1);
        return figure.ToChart();
    }
}
