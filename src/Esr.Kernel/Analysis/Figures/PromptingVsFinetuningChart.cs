using Plotly.NET;
using static Esr.Kernel.Analysis.Figures.PlotlyFigure;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>Draws the combined figure: ESR rate ±1.96·SE of the baseline, meta-prompted and fine-tuned bars.</summary>
public static class PromptingVsFinetuningChart
{
    /// <summary>The chart of a <see cref="PromptingVsFinetuningFigure.Build"/> frame.</summary>
    public static GenericChart Create(Microsoft.Data.Analysis.DataFrame frame, string title = "Prompting vs fine-tuning (Llama-3.1-8B)")
    {
        ArgumentNullException.ThrowIfNull(frame);
        var figure = new PlotlyFigure(title, 700, 520);
        var colours = Strings(frame, "bar").Select(id => PromptingVsFinetuningFigure.Bars.First(b => b.Id == id).Colour).ToArray();
        figure.BarPanel(1, [0, 1], Strings(frame, "label"), Doubles(frame, "esr_rate"), Errors(Doubles(frame, "esr_rate_se")), colours, "ESR Rate (%)",
            labels: AblationChart.Counts(Ints(frame, "improved"), Ints(frame, "n")));
        return figure.ToChart();
    }
}
