using System.Globalization;
using Microsoft.Data.Analysis;
using Plotly.NET;
using static Esr.Kernel.Analysis.Figures.PlotlyFigure;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>Draws Figures A.4-A.6 from <see cref="CrossJudgeFigure"/> frames.</summary>
public static class CrossJudgeChart
{
    /// <summary>Jitter half-width of the scatter points.</summary>
    public const double Jitter = 0.15;

    /// <summary>
    /// One panel per judge with a bar per target model in the Exp-7 colours (order Gemma 2B, 9B, 27B, Llama 8B,
    /// 70B) of <paramref name="metric"/>: "msi" (Figure A.4), "esr_rate" (A.5) or "multi_attempt_pct".
    /// </summary>
    public static GenericChart Metric(DataFrame metrics, string metric, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        string axisTitle = metric switch
        {
            "msi" => "Mean Score Improvement",
            "esr_rate" => "ESR Rate",
            "multi_attempt_pct" => "Multi-Attempt %",
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Expected msi, esr_rate or multi_attempt_pct."),
        };
        var judges = Strings(metrics, "judge");
        var distinct = judges.Distinct().ToList();
        var figure = new PlotlyFigure(title ?? $"{axisTitle} by judge", Math.Max(600, 320 * distinct.Count), 520);
        double width = 1.0 / distinct.Count;
        for (int j = 0; j < distinct.Count; j++)
        {
            var rows = Enumerable.Range(0, judges.Length).Where(i => judges[i] == distinct[j]).ToArray();
            var models = rows.Select(i => Strings(metrics, "model")[i]).ToArray();
            figure.BarPanel(j + 1, [j * width + 0.02, (j + 1) * width - 0.02], rows.Select(i => Strings(metrics, "display_name")[i]).ToArray(),
                rows.Select(i => Doubles(metrics, metric)[i]).ToArray(), new double[rows.Length],
                models.Select(m => ModelStyle.For(m).CrossJudgeColour).ToArray(), j == 0 ? axisTitle : "");
            // One scale for every judge, so the panels compare at a glance.
            if (j > 0) figure.Layout(AxisKey('y', j + 1), new { anchor = Axis('x', j + 1), matches = "y", gridcolor = "#e5e5e5" });
            figure.Annotation(new { text = $"<b>{HtmlText.Escape(distinct[j])}</b>", xref = Axis('x', j + 1) + " domain", yref = "paper", x = 0.5, y = 1.0, yanchor = "bottom", showarrow = false });
        }
        return figure.ToChart();
    }

    /// <summary>
    /// Figure A.6: a J×J grid; the diagonal a histogram of each judge's attempt counts, off the diagonal the
    /// attempt counts of two judges per shared trial, jittered by ±0.15 (seeded, so the drawing repeats), with the
    /// exact-agreement percentage; axes capped at 10.
    /// </summary>
    public static GenericChart AttemptGrid(DataFrame pairs, int seed = 42, string title = "Attempt counts between judges")
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var judgeX = Strings(pairs, "judge_x");
        var judgeY = Strings(pairs, "judge_y");
        var ax = Ints(pairs, "attempts_x");
        var ay = Ints(pairs, "attempts_y");
        var judges = judgeX.Distinct().ToList();
        var shown = judges.Select(HtmlText.Escape).ToList();
        int count = judges.Count;
        var figure = new PlotlyFigure(title, 260 * count + 120, 260 * count + 120);
        var random = new Random(seed);
        double cell = 1.0 / count;
        for (int r = 0; r < count; r++)
        {
            for (int c = 0; c < count; c++)
            {
                int k = r * count + c + 1;
                string x = Axis('x', k), y = Axis('y', k);
                var rows = Enumerable.Range(0, judgeX.Length).Where(i => judgeX[i] == judges[c] && judgeY[i] == judges[r]).ToArray();
                if (r == c)
                {
                    var attempts = rows.Select(i => ax[i]).ToArray();
                    var counts = Enumerable.Range(1, CrossJudgeFigure.AttemptAxisCap).Select(a => attempts.Count(v => v == a)).ToArray();
                    figure.Add("bar", new { x = Enumerable.Range(1, CrossJudgeFigure.AttemptAxisCap).ToArray(), y = counts, marker = new { color = "#5D6D7E" }, xaxis = x, yaxis = y, showlegend = false, name = shown[r] });
                }
                else
                {
                    figure.Add("scatter", new
                    {
                        x = rows.Select(i => ax[i] + (random.NextDouble() * 2 - 1) * Jitter).ToArray(),
                        y = rows.Select(i => ay[i] + (random.NextDouble() * 2 - 1) * Jitter).ToArray(),
                        mode = "markers", marker = new { size = 4, color = "#1A5276", opacity = 0.4 }, xaxis = x, yaxis = y, showlegend = false,
                        name = $"{shown[c]} vs {shown[r]}",
                    });
                    double agreement = CrossJudgeFigure.ExactAgreement(pairs, judges[c], judges[r]);
                    figure.Annotation(new
                    {
                        text = double.IsNaN(agreement) ? "no shared trials" : string.Create(CultureInfo.InvariantCulture, $"{agreement:F1}% agree"),
                        xref = x + " domain", yref = y + " domain", x = 0.95, y = 0.95, xanchor = "right", yanchor = "top", showarrow = false,
                        bgcolor = "rgba(255,255,255,0.8)", font = new { size = 11 },
                    });
                }
                double[] range = [0.5, CrossJudgeFigure.AttemptAxisCap + 0.5];
                figure.Layout(AxisKey('x', k), new { domain = new[] { c * cell + 0.05, (c + 1) * cell - 0.02 }, anchor = y, range, title = new { text = r == count - 1 ? shown[c] : "" }, gridcolor = "#e5e5e5" });
                figure.Layout(AxisKey('y', k), new { domain = new[] { 1 - (r + 1) * cell + 0.06, 1 - r * cell - 0.02 }, anchor = x, range = r == c ? null : range, title = new { text = c == 0 ? shown[r] : "" }, gridcolor = "#e5e5e5" });
            }
        }
        return figure.ToChart();
    }
}
