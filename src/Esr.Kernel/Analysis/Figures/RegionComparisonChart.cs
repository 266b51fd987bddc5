using System.Globalization;
using Plotly.NET;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>
/// Draws Figure A.16: bars "Self-correction off-topic" (#e74c3c), "Self-correction on-topic" (#27ae60) and "No
/// self-correction baseline" (#95a5a6) with ±SD error bars and 4-decimal labels.
/// </summary>
public static class RegionComparisonChart
{
    /// <summary>The bar labels in order.</summary>
    public static IReadOnlyList<string> Labels { get; } = ["Self-correction off-topic", "Self-correction on-topic", "No self-correction baseline"];

    /// <summary>The bar colours in order.</summary>
    public static IReadOnlyList<string> Colours { get; } = ["#e74c3c", "#27ae60", "#95a5a6"];

    /// <summary>The chart of <paramref name="comparison"/>.</summary>
    public static GenericChart Create(RegionComparison comparison, string title = "Off-topic detector activation: self-correction vs baseline")
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var figure = new PlotlyFigure(title, 800, 560);
        double[] means = [comparison.OffTopicMean, comparison.OnTopicMean, comparison.BaselineMean];
        double[] sds = [comparison.OffTopicSd, comparison.OnTopicSd, comparison.BaselineSd];
        figure.BarPanel(1, [0, 1], Labels.ToArray(), means, sds, Colours.ToArray(), "Mean OTD Activation",
            labels: means.Select(m => m.ToString("F4", CultureInfo.InvariantCulture)).ToArray());
        return figure.ToChart();
    }
}
