using System.Globalization;
using Plotly.NET;
using static Esr.Kernel.Analysis.Figures.PlotlyFigure;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>
/// Draws Figure 5: three bar panels, baseline purple (#6A0DAD) and detector ablation teal (#17A2B8): mean
/// first-attempt score (y 0-100), multi-attempt % with "(count/total)", ESR rate (y 0-10) with "(improved/total)";
/// error bars ±1.96·SE.
/// </summary>
public static class AblationChart
{
    /// <summary>The condition colours, baseline then ablation.</summary>
    public static IReadOnlyList<string> Colours { get; } = ["#6A0DAD", "#17A2B8"];

    /// <summary>The chart of <paramref name="data"/>.</summary>
    public static GenericChart Create(AblationFigureData data, string title = "Off-topic detector ablation")
    {
        ArgumentNullException.ThrowIfNull(data);
        var frame = data.Conditions;
        var figure = new PlotlyFigure(title, 1400, 520);
        string[] categories = ["Baseline", "OTD ablation"];
        var colours = Colours.ToArray();
        var n = Ints(frame, "n");
        figure.BarPanel(1, [0, 0.28], categories, Doubles(frame, "first_attempt_score"), Errors(Doubles(frame, "first_attempt_score_se")), colours, "Mean First-Attempt Score", [0, 100]);
        figure.BarPanel(2, [0.36, 0.64], categories, Doubles(frame, "multi_attempt_pct"), Errors(Doubles(frame, "multi_attempt_pct_se")), colours, "Multi-Attempt %",
            labels: Counts(Ints(frame, "multi_attempt"), n));
        figure.BarPanel(3, [0.72, 1.0], categories, Doubles(frame, "esr_rate"), Errors(Doubles(frame, "esr_rate_se")), colours, "ESR Rate", [0, 10],
            labels: Counts(Ints(frame, "improved"), n));
        return figure.ToChart();
    }

    /// <summary>"(count/total)" labels.</summary>
    internal static string[] Counts(int[] counts, int[] totals) =>
        counts.Select((c, i) => string.Create(CultureInfo.InvariantCulture, $"({c}/{totals[i]})")).ToArray();
}
