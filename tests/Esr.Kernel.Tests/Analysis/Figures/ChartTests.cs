using System.Text.Json;
using Esr.Kernel.Analysis.Figures;
using Esr.Kernel.Experiments.Episodes;
using Esr.Kernel.Results;
using Esr.Kernel.Tests.Models;
using Microsoft.Data.Analysis;
using static Esr.Kernel.Tests.Analysis.Figures.SyntheticTrials;

namespace Esr.Kernel.Tests.Analysis.Figures;

public class ChartTests
{
    private static readonly Esr.Kernel.Results.TrialRecord[] TwoModels =
    [
        Trial("llama-3.1-8b", 20, 80), Trial("llama-3.1-8b", 30), Trial("llama-3.1-8b", 50, 30),
        Trial("llama-3.3-70b", 10, 90), Trial("llama-3.3-70b", 40),
    ];

    [Fact]
    public void Figure2_chart_has_a_histogram_per_model_two_bar_panels_and_the_paper_colours()
    {
        var json = new ChartJson(ScoreDeltaChart.Create(ScoreDeltaFigure.Build(TwoModels)));
        var bars = json.TracesOfType("bar");
        Assert.Equal(4, bars.Count);
        // Largest model first: 70B #1A5276 then 8B #5DADE2, in the histograms and in both bar panels.
        Assert.Equal(["#1A5276"], ChartJson.Colours(bars[0]));
        Assert.Equal(["#5DADE2"], ChartJson.Colours(bars[1]));
        Assert.Equal(["#1A5276", "#5DADE2"], ChartJson.Colours(bars[2]));
        Assert.Equal("h", bars[3].GetProperty("orientation").GetString());
        Assert.Contains("Score Delta (Last Attempt - First Attempt)", json.AxisTitles());
        Assert.Contains("Multi-Attempt %", json.AxisTitles());
        Assert.Contains("ESR Rate", json.AxisTitles());
        // 70B: 1 of 1 multi-attempts improved; 8B: 1 of 2.
        Assert.Contains("100% improved", json.Annotations());
        Assert.Contains("50% improved", json.Annotations());
        // Error bars are 1.96·SE: 70B multi-attempt 50 % of 2, SE 35.355 → 69.296.
        Assert.Equal(1.96 * 100 * Math.Sqrt(0.25 / 2), bars[2].GetProperty("error_x").GetProperty("array")[0].GetDouble(), 9);
        // Dashed red zero lines on both histograms.
        Assert.Equal(2, json.Shapes().Count(s => s.GetProperty("line").GetProperty("color").GetString() == "red"));
        // ESR axis spans at least 0-10.
        Assert.True(json.Layout.GetProperty("xaxis4").GetProperty("range")[1].GetDouble() >= 10);
    }

    [Fact]
    public void Appendix_variant_shows_mean_improvement_on_a_symmetric_axis()
    {
        var json = new ChartJson(ScoreDeltaChart.Create(ScoreDeltaFigure.Build(TwoModels, ScoreDeltaPanel.MeanImprovementAllTrials)));
        Assert.Contains("Mean Improvement", json.AxisTitles());
        Assert.DoesNotContain("ESR Rate", json.AxisTitles());
        var range = json.Layout.GetProperty("xaxis4").GetProperty("range");
        Assert.Equal(-range[1].GetDouble(), range[0].GetDouble());
    }

    [Fact]
    public void Figure2_says_no_self_correction_for_a_model_without_multi_attempts()
    {
        var json = new ChartJson(ScoreDeltaChart.Create(ScoreDeltaFigure.Build([Trial("gemma-2-2b", 30)])));
        Assert.Contains("No self-correction", json.Annotations());
        // An empty histogram shows no density ticks; the multi-attempt axis still spans 0-1.
        Assert.False(json.Layout.GetProperty("yaxis").GetProperty("showticklabels").GetBoolean());
        Assert.Equal(1, json.Layout.GetProperty("xaxis2").GetProperty("range")[1].GetDouble());
        Assert.Equal(["#82E0AA"], ChartJson.Colours(json.TracesOfType("bar")[0]));
    }

    [Fact]
    public void Figure3_chart_draws_three_purple_panels_with_bands_and_a_fixed_esr_axis()
    {
        var trials = new[] { 0.0, 5, 10 }.SelectMany(b => new[] { Trial("llama-3.3-70b", "steered", [10, 50], boost: b), Trial("llama-3.3-70b", "steered", [10], boost: b) });
        var json = new ChartJson(BoostSweepChart.Create(BoostSweepFigure.Build(trials, new BoostNormalization(5, 5))));
        var lines = json.TracesOfType("scatter").Where(t => t.GetProperty("line").GetProperty("width").GetDouble() == 4).ToList();
        Assert.Equal(3, lines.Count);
        Assert.All(lines, l => Assert.Equal("#6A0DAD", l.GetProperty("line").GetProperty("color").GetString()));
        Assert.Equal(3, json.TracesOfType("scatter").Count(t => t.TryGetProperty("fill", out var f) && f.GetString() == "tonexty"));
        string[] titles = ["Normalized Boost Level (standard deviations from mean)", "Multi-Attempt %", "Multi-Attempt Improvement Rate", "ESR Rate"];
        Assert.Equal(titles.Order(StringComparer.Ordinal), json.AxisTitles().Order(StringComparer.Ordinal));
        Assert.True(json.Layout.GetProperty("yaxis3").GetProperty("range")[1].GetDouble() >= 5); // the paper's 0-5, widened for 50 % here
        Assert.Equal([-1.0, 0, 1], lines[0].GetProperty("x").EnumerateArray().Select(v => v.GetDouble()));
    }

    [Fact]
    public void Figure4_chart_pairs_hatched_baseline_and_solid_self_monitor_bars_in_model_colours()
    {
        var trials = new[]
        {
            Trial("gemma-2-2b", 20), Trial("gemma-2-2b", "self_monitor", [30, 40]),
            Trial("llama-3.3-70b", 20, 60), Trial("llama-3.3-70b", "self_monitor", [30, 40]),
        };
        var json = new ChartJson(MetaPromptChart.Figure4(MetaPromptFigure.Build(trials)));
        var bars = json.TracesOfType("bar");
        Assert.Equal(6, bars.Count);
        Assert.Equal("/", bars[0].GetProperty("marker").GetProperty("pattern").GetProperty("shape").GetString());
        Assert.Equal("", bars[1].GetProperty("marker").GetProperty("pattern").GetProperty("shape").GetString());
        Assert.Equal(["#82E0AA", "#1A5276"], ChartJson.Colours(bars[1]));
        Assert.Equal(["Gemma-2-2B", "Llama-3.3-70B"], bars[0].GetProperty("x").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal(["ESR Rate", "Mean First-Attempt Score", "Multi-Attempt %"], json.AxisTitles().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Meta_prompt_variant_bars_use_the_variant_colours_and_symmetric_delta_limits()
    {
        var trials = new[] { Trial("m", 20), Trial("m", "dont_get_distracted", [22]), Trial("m", "resist_manipulation", [25]) };
        var json = new ChartJson(MetaPromptChart.Variants(MetaPromptFigure.Build(trials), "m"));
        Assert.Equal(["#7f7f7f", "#6A0DAD", "#C0392B"], ChartJson.Colours(json.TracesOfType("bar")[0]));
        var range = json.Layout.GetProperty("yaxis").GetProperty("range");
        Assert.Equal(-8, range[0].GetDouble());
        Assert.Equal(8, range[1].GetDouble());
        // Long variant names, tilted under the bars, get the margin they need instead of running off the page.
        Assert.All(new[] { "xaxis", "xaxis2", "xaxis3" }, axis => Assert.True(json.Layout.GetProperty(axis).GetProperty("automargin").GetBoolean()));
    }

    [Fact]
    public void Figure5_chart_has_three_panels_with_count_labels_and_fixed_ranges()
    {
        var data = AblationFigure.Build([Trial("m", 10, 50), Trial("m", 10), Trial("m", "ablation", [10], ablated: 26), Trial("m", "ablation", [20], ablated: 26)]);
        var json = new ChartJson(AblationChart.Create(data));
        var bars = json.TracesOfType("bar");
        Assert.Equal(3, bars.Count);
        Assert.All(bars, b => Assert.Equal(["#6A0DAD", "#17A2B8"], ChartJson.Colours(b)));
        Assert.Equal(["(1/2)", "(0/2)"], bars[1].GetProperty("text").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(100, json.Layout.GetProperty("yaxis").GetProperty("range")[1].GetDouble());
        // ESR 50 % with its error bar leaves the paper's 0-10 axis, which widens to the next multiple of 5 above it.
        var esrTop = bars[2].GetProperty("y")[0].GetDouble() + bars[2].GetProperty("error_y").GetProperty("array")[0].GetDouble();
        var top = json.Layout.GetProperty("yaxis3").GetProperty("range")[1].GetDouble();
        Assert.InRange(top - esrTop, 0, 5);
        Assert.Equal(0, top % 5);
    }

    [Fact]
    public void An_axis_keeps_the_papers_range_when_the_data_fits_it_and_widens_only_when_it_does_not()
    {
        Assert.Equal([0.0, 10], PlotlyFigure.Covering([0, 10], [3.8, 2.8 + 1.1, double.NaN]));
        Assert.Equal([0.0, 20], PlotlyFigure.Covering([0, 10], [12.9 + 6.1, 6.5]));
        Assert.Equal([0.0, 5], PlotlyFigure.Covering([0, 5], []));
    }

    [Fact]
    public void Figure7_chart_draws_orange_sweeps_and_grey_base_lines()
    {
        var trials = new[]
        {
            Trial("masked-ratio-10pct-merged", 10, 50), Trial("masked-ratio-90pct-merged", 10), Trial("llama-3.1-8b", 10, 40), Trial("llama-3.1-8b", 10),
        };
        var json = new ChartJson(MaskedRatioChart.Create(MaskedRatioFigure.Build(trials)));
        var lines = json.TracesOfType("scatter").Where(t => t.GetProperty("mode").GetString() == "lines+markers").ToList();
        Assert.Equal(3, lines.Count);
        Assert.All(lines, l => Assert.Equal("#e67e22", l.GetProperty("line").GetProperty("color").GetString()));
        var baseLines = json.Shapes().Where(s => s.GetProperty("line").GetProperty("color").GetString() == "#7f8c8d").ToList();
        Assert.Equal(3, baseLines.Count);
        Assert.Equal(50, baseLines[0].GetProperty("y0").GetDouble(), 9);
        Assert.Contains("% Masked Self-Correction Data (rest is Normal Responses)", json.AxisTitles());
    }

    [Fact]
    public void First_attempt_chart_overlays_histograms_and_names_models_on_the_bars()
    {
        var json = new ChartJson(FirstAttemptChart.Create(FirstAttemptFigure.Build(TwoModels)));
        Assert.Equal("overlay", json.Layout.GetProperty("barmode").GetString());
        var bars = json.TracesOfType("bar");
        Assert.Equal(3, bars.Count);
        // Counts, as plot_exp8.py draws them: the 8B's first scores 20, 30, 50 fall in three bins of one each.
        Assert.Equal(3, bars[1].GetProperty("y").EnumerateArray().Sum(y => y.GetDouble()));
        Assert.Equal("Count", json.Layout.GetProperty("yaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal(["Llama-3.3-70B", "Llama-3.1-8B"], bars[2].GetProperty("y").EnumerateArray().Select(y => y.GetString()));
        Assert.Contains("First-Attempt Score", json.AxisTitles());
    }

    [Fact]
    public void File_aggregate_and_combined_charts_use_their_condition_colours()
    {
        var trials = new[] { Trial("llama-3.1-8b", 10, 50), Trial("llama-3.1-8b", "ablation", [10], ablated: 26), Trial("llama-3.1-8b", "random_ablation_set0", [30]), Trial("llama-3.1-8b", "self_monitor", [10, 20]) };
        var aggregate = new ChartJson(FileAggregateChart.Create(FileAggregateFigure.Build(trials)));
        Assert.Equal(["#6A0DAD", "#17A2B8", "#FFA500"], ChartJson.Colours(aggregate.TracesOfType("bar")[0]));
        Assert.Equal(["", "0.0", "+20.0"], aggregate.TracesOfType("bar")[0].GetProperty("text").EnumerateArray().Select(t => t.GetString()));
        var combined = new ChartJson(PromptingVsFinetuningChart.Create(PromptingVsFinetuningFigure.Build(trials)));
        var bar = combined.TracesOfType("bar").Single();
        Assert.Equal(["Baseline", "Meta-Prompted", "Fine-Tuned"], bar.GetProperty("x").EnumerateArray().Select(x => x.GetString()));
        // The fine-tuned bar has no trials here: its value is null, not NaN, so plotly.js draws a gap.
        Assert.Equal(JsonValueKind.Null, bar.GetProperty("y")[2].ValueKind);
        Assert.Contains("ESR Rate (%)", combined.AxisTitles());
    }

    [Fact]
    public void Figure6_chart_shades_the_regions_and_draws_both_smoothed_series()
    {
        var readout = new SequentialActivations(
            ["a", "b", "c", "d"],
            new Dictionary<int, IReadOnlyList<double>> { [1] = [0, 1, 0, 0], [33044] = [0, 0, 2, 0] },
            [1, 33044], [33044], 33044,
            [new(0, 1, "User prompt", "#bdc3c7"), new(1, 4, "Off-topic", "#8e44ad")]);
        var json = new ChartJson(SequentialActivationChart.Create(SequentialActivationFigure.Build(readout), readout.Regions));
        var lines = json.TracesOfType("scatter");
        Assert.Equal(["Off-topic detectors (sum)", "Sarcastic backtracking"], lines.Select(l => l.GetProperty("name").GetString()));
        Assert.Equal([0, 0.5, 0.25, 0.125], lines[0].GetProperty("y").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(6, json.Shapes().Count);
        Assert.Contains("Off-topic", json.Annotations());
    }

    [Fact]
    public void Cross_judge_charts_have_a_panel_per_judge_and_a_grid_with_agreement()
    {
        var grades = CrossJudgeFigureTests.Grades();
        var msi = new ChartJson(CrossJudgeChart.Metric(CrossJudgeFigure.Metrics(grades), "msi"));
        Assert.Equal(2, msi.TracesOfType("bar").Count);
        Assert.Equal(["#FAD7A0", "#1A5276"], ChartJson.Colours(msi.TracesOfType("bar")[0]));
        Assert.Contains("haiku", msi.Annotations().Select(a => a.Replace("<b>", "").Replace("</b>", "")));
        Assert.Equal("y", msi.Layout.GetProperty("yaxis2").GetProperty("matches").GetString());
        var grid = new ChartJson(CrossJudgeChart.AttemptGrid(CrossJudgeFigure.AttemptPairs(grades)));
        Assert.Equal(2, grid.TracesOfType("bar").Count);
        Assert.Equal(2, grid.TracesOfType("scatter").Count);
        Assert.Contains("66.7% agree", grid.Annotations());
        Assert.Throws<ArgumentOutOfRangeException>(() => CrossJudgeChart.Metric(CrossJudgeFigure.Metrics(grades), "nope"));
    }

    [Fact]
    public void Episode_charts_use_the_paper_colours_and_labels()
    {
        using var folder = new TemporaryDirectory();
        FigureResultsFolder.WriteOverlay(folder.Path);
        var overlay = new ChartJson(CorrectionAlignedChart.Create(EpisodePipelineResult.ReadOverlay(Path.Combine(folder.Path, EpisodePipelineResult.OverlayCsvFile))));
        var lines = overlay.TracesOfType("scatter").Where(t => t.TryGetProperty("name", out var n) && n.GetString()!.Length > 0 && t.GetProperty("line").GetProperty("width").GetDouble() > 0).ToList();
        Assert.Equal(["#e74c3c", "#3498db"], lines.Select(l => l.GetProperty("line").GetProperty("color").GetString()));
        Assert.Equal(["Off-topic", "Correction (fading)", "On-topic"], overlay.Annotations());
        Assert.Contains("Tokens Relative to Correction Start", overlay.AxisTitles());
        var bars = new ChartJson(RegionComparisonChart.Create(new RegionComparison(0.0119, 0.01, 0.0058, 0.004, 0.0027, 0.002)));
        var bar = bars.TracesOfType("bar").Single();
        Assert.Equal(["#e74c3c", "#27ae60", "#95a5a6"], ChartJson.Colours(bar));
        Assert.Equal(["0.0119", "0.0058", "0.0027"], bar.GetProperty("text").EnumerateArray().Select(t => t.GetString()));
    }
}
