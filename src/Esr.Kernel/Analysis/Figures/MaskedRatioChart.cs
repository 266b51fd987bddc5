using Plotly.NET;
using static Esr.Kernel.Analysis.Figures.PlotlyFigure;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>
/// Draws Figure 7: three stacked panels against the masked ratio (multi-attempt %, multi-attempt improvement rate,
/// ESR rate), orange (#e67e22) lines with markers and ±1.96·SE bands, a dashed grey (#7f8c8d) line at the base
/// model's value in each panel.
/// </summary>
public static class MaskedRatioChart
{
    /// <summary>The sweep's colour.</summary>
    public const string Colour = "#e67e22";

    /// <summary>The base model line's colour.</summary>
    public const string BaseColour = "#7f8c8d";

    private static readonly string[] Series = ["multi_attempt_pct", "improvement_rate", "esr_rate"];
    private static readonly string[] Titles = ["Multi-Attempt %", "Multi-Attempt Improvement Rate", "ESR Rate"];

    /// <summary>The chart of <paramref name="data"/>.</summary>
    public static GenericChart Create(MaskedRatioFigureData data, string title = "Fine-tuning on masked self-correction data")
    {
        ArgumentNullException.ThrowIfNull(data);
        var figure = new PlotlyFigure(title, 900, 1000);
        var x = Doubles(data.Ratios, "ratio_pct");
        for (int p = 0; p < 3; p++)
        {
            int k = p + 1;
            figure.LineWithBand(x, Doubles(data.Ratios, Series[p]), Errors(Doubles(data.Ratios, Series[p] + "_se")), Colour, Titles[p], Axis('x', k), Axis('y', k), 3, markers: true);
            if (data.Base.Rows.Count > 0)
            {
                double baseValue = Doubles(data.Base, Series[p])[0];
                if (!double.IsNaN(baseValue)) figure.HorizontalLine(baseValue, Axis('x', k), Axis('y', k), BaseColour);
            }
            double top = 1 - p / 3.0 - 0.03, bottom = 1 - (p + 1) / 3.0 + 0.03;
            figure.Layout(AxisKey('x', k), new
            {
                anchor = Axis('y', k), range = new[] { 5.0, 95.0 }, dtick = 10, showticklabels = p == 2,
                title = new { text = p == 2 ? "% Masked Self-Correction Data (rest is Normal Responses)" : "" }, gridcolor = "#e5e5e5",
            });
            figure.Layout(AxisKey('y', k), new { domain = new[] { bottom, top }, anchor = Axis('x', k), title = new { text = Titles[p] }, gridcolor = "#e5e5e5" });
        }
        figure.Layout("showlegend", false);
        return figure.ToChart();
    }
}
