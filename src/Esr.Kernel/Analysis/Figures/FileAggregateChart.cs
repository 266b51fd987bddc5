using System.Globalization;
using Plotly.NET;
using static Esr.Kernel.Analysis.Figures.PlotlyFigure;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>
/// Draws Figure A.14: steered baseline (#6A0DAD), detector ablation (#17A2B8), random ablation (#FFA500): mean
/// first-attempt score labelled with its change against the baseline, multi-attempt %, ESR rate (y 0-10,
/// "(improved/total)"); error bars ±1.96·SE.
/// </summary>
public static class FileAggregateChart
{
    /// <summary>The chart of a <see cref="FileAggregateFigure.Build"/> frame.</summary>
    public static GenericChart Create(Microsoft.Data.Analysis.DataFrame frame, string title = "Random-latent ablation control")
    {
        ArgumentNullException.ThrowIfNull(frame);
        var figure = new PlotlyFigure(title, 1400, 520);
        var ids = Strings(frame, "condition");
        var labels = Strings(frame, "label");
        var colours = ids.Select(id => FileAggregateFigure.Conditions.First(c => c.Id == id).Colour).ToArray();
        var changes = Doubles(frame, "first_attempt_change").Select((c, i) => ids[i] == "baseline" || double.IsNaN(c) ? "" : c.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture)).ToArray();
        var n = Ints(frame, "n");
        figure.BarPanel(1, [0, 0.28], labels, Doubles(frame, "first_attempt_score"), Errors(Doubles(frame, "first_attempt_score_se")), colours, "Mean First-Attempt Score", labels: changes);
        figure.BarPanel(2, [0.36, 0.64], labels, Doubles(frame, "multi_attempt_pct"), Errors(Doubles(frame, "multi_attempt_pct_se")), colours, "Multi-Attempt %");
        figure.BarPanel(3, [0.72, 1.0], labels, Doubles(frame, "esr_rate"), Errors(Doubles(frame, "esr_rate_se")), colours, "ESR Rate", [0, 10],
            labels: AblationChart.Counts(Ints(frame, "improved"), n));
        return figure.ToChart();
    }
}
