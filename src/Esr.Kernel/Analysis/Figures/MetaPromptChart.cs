using Microsoft.Data.Analysis;
using Plotly.NET;
using static Esr.Kernel.Analysis.Figures.PlotlyFigure;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>Draws Figure 4 and the per-model appendix bars of the meta-prompt variants (Exp 5).</summary>
public static class MetaPromptChart
{
    private static readonly string[] Panels = ["first_attempt_score", "multi_attempt_pct", "esr_rate"];
    private static readonly string[] PanelTitles = ["Mean First-Attempt Score", "Multi-Attempt %", "ESR Rate"];

    /// <summary>
    /// Figure 4: per model (Gemma 2B, 9B, 27B, Llama 8B, 70B) a hatched translucent baseline bar and a solid
    /// self_monitor bar in the model's colour, ±1.96·SE, in three panels (mean first-attempt score, multi-attempt
    /// %, ESR rate). Models without the variant are left out.
    /// </summary>
    public static GenericChart Figure4(DataFrame frame, string variant = MetaPromptFigure.SelfMonitor, string title = "Meta-prompting: baseline vs self-monitor")
    {
        ArgumentNullException.ThrowIfNull(frame);
        var figure = new PlotlyFigure(title, 1500, 520);
        var variants = Strings(frame, "variant");
        var models = Strings(frame, "model");
        // Only models that ran the variant: a model with just its baseline has no pair to show.
        var order = ModelStyle.GemmaThenLlama(models.Where((m, i) => variants[i] == variant));
        for (int p = 0; p < Panels.Length; p++)
        {
            int k = p + 1;
            foreach (var (id, hatched) in new[] { (MetaPromptFigure.Baseline, true), (variant, false) })
            {
                var rows = order.Select(s => Enumerable.Range(0, models.Length).FirstOrDefault(i => models[i] == s.Model && variants[i] == id, -1)).ToArray();
                var values = Doubles(frame, Panels[p]);
                var ses = Doubles(frame, Panels[p] + "_se");
                figure.Add("bar", new
                {
                    x = order.Select(s => HtmlText.Escape(s.DisplayName)).ToArray(),
                    y = Values(rows.Select(r => r < 0 ? double.NaN : values[r])),
                    name = HtmlText.Escape(MetaPromptFigure.NameOf(id)),
                    legendgroup = id,
                    showlegend = p == 0,
                    marker = new
                    {
                        color = order.Select(s => s.Colour).ToArray(),
                        opacity = hatched ? 0.45 : 1.0,
                        pattern = new { shape = hatched ? "/" : "" },
                        line = new { color = "black", width = 1 },
                    },
                    error_y = new { type = "data", array = Errors(rows.Select(r => r < 0 ? double.NaN : ses[r])), visible = true, thickness = 1.5, width = 5 },
                    xaxis = Axis('x', k),
                    yaxis = Axis('y', k),
                });
            }
            figure.Layout(AxisKey('x', k), new { domain = new[] { p * 0.35, p * 0.35 + 0.3 }, anchor = Axis('y', k), type = "category" });
            figure.Layout(AxisKey('y', k), new { anchor = Axis('x', k), title = new { text = PanelTitles[p] }, gridcolor = "#e5e5e5" });
        }
        figure.Layout("barmode", "group");
        return figure.ToChart();
    }

    /// <summary>
    /// The appendix bars of one model: over the variants, Δ first-attempt score against the baseline (±1.96·SE,
    /// propagated; symmetric y-limits at least ±8), multi-attempt % and ESR rate, in the variant colours.
    /// </summary>
    public static GenericChart Variants(DataFrame frame, string model, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var rows = Enumerable.Range(0, (int)frame.Rows.Count).Where(i => (string)frame["model"][i] == model).ToArray();
        if (rows.Length == 0) throw new ArgumentException($"The meta-prompt frame has no rows for model \"{model}\".", nameof(model));
        var figure = new PlotlyFigure(title ?? $"Meta-prompt variants: {ModelStyle.For(model).DisplayName}", 1500, 560);
        var names = rows.Select(i => Strings(frame, "variant_name")[i]).ToArray();
        var colours = rows.Select(i => MetaPromptFigure.ColourOf(Strings(frame, "variant")[i])).ToArray();
        double[] Pick(string column) => rows.Select(i => Doubles(frame, column)[i]).ToArray();
        var delta = Pick("first_attempt_delta");
        var deltaErrors = Errors(Pick("first_attempt_delta_se"));
        double reach = Math.Max(8, delta.Select((d, i) => double.IsNaN(d) ? 0 : Math.Abs(d) + deltaErrors[i]).DefaultIfEmpty(0).Max() * 1.15);
        figure.BarPanel(1, [0, 0.28], names, delta, deltaErrors, colours, "Δ First-Attempt Score vs Baseline", [-reach, reach]);
        figure.BarPanel(2, [0.36, 0.64], names, Pick("multi_attempt_pct"), Errors(Pick("multi_attempt_pct_se")), colours, "Multi-Attempt %");
        figure.BarPanel(3, [0.72, 1.0], names, Pick("esr_rate"), Errors(Pick("esr_rate_se")), colours, "ESR Rate");
        return figure.ToChart();
    }
}
