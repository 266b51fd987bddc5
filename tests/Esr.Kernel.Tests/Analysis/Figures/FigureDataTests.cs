using Esr.Kernel.Analysis;
using Esr.Kernel.Analysis.Figures;
using static Esr.Kernel.Tests.Analysis.Figures.SyntheticTrials;

namespace Esr.Kernel.Tests.Analysis.Figures;

public class FigureDataTests
{
    private const string Llama70 = "llama-3.3-70b", Llama8 = "llama-3.1-8b";

    [Fact]
    public void Score_delta_figure_orders_models_largest_first_with_density_bins_and_sidecar_fields()
    {
        // 8B: [60], [20, 80] (+60), [50, 30] (−20), [10] → N 4, multi 2, improved 1.
        // 70B: [40, 40] (0) and [30] → N 2, multi 1, improved 0.
        var data = ScoreDeltaFigure.Build(
        [
            Trial(Llama8, 60), Trial(Llama8, 20, 80), Trial(Llama8, 50, 30), Trial(Llama8, 10),
            Trial(Llama70, 40, 40), Trial(Llama70, 30),
        ]);
        Assert.Equal(["Llama-3.3-70B", "Llama-3.1-8B"], new[] { Str(data.Summary, "model", 0), Str(data.Summary, "model", 1) });
        Assert.Equal("Llama-3.3-70B", Str(data.Summary, "display_name", 0));
        // 8B: multi 2/4 = 50 %, Wald SE 100·sqrt(0.25/4) = 25; ESR 1/4 = 25 %, SE 100·sqrt(0.1875/4) = 21.650635;
        // % of multi-attempts improved 1/2 = 50; MSI (60 − 20)/2 = 20; all-trials mean (0 + 60 − 20 + 0)/4 = 10.
        Assert.Equal(50, Cell(data.Summary, "multi_attempt_pct", 1), 9);
        Assert.Equal(25, Cell(data.Summary, "multi_attempt_pct_se", 1), 9);
        Assert.Equal(25, Cell(data.Summary, "esr_rate", 1), 9);
        Assert.Equal(21.650635094610966, Cell(data.Summary, "esr_rate_se", 1), 9);
        Assert.Equal(50, Cell(data.Summary, "improvement_rate", 1), 9);
        Assert.Equal(20, Cell(data.Summary, "msi", 1), 9);
        Assert.Equal(10, Cell(data.Summary, "msi_all_trials", 1), 9);
        Assert.Equal(4, Cell(data.Summary, "n", 1));

        // 31 bins per model; 8B deltas +60 (bin 24, centre 60) and −20 (bin 12, centre −20), density 1/(2·6.667) = 0.075.
        Assert.Equal(62, data.Histogram.Rows.Count);
        int eightB = 31;
        Assert.Equal(60, Cell(data.Histogram, "bin_centre", eightB + 24), 9);
        Assert.Equal(0.075, Cell(data.Histogram, "density", eightB + 24), 12);
        Assert.Equal(0.075, Cell(data.Histogram, "density", eightB + 12), 12);
        // 70B's one delta 0 sits in the centre bin: density 1/6.667 = 0.15.
        Assert.Equal(0.15, Cell(data.Histogram, "density", 15), 12);
        Assert.Equal(3, data.Deltas.Rows.Count);
    }

    [Fact]
    public void Figures_2_and_a3_pool_a_familys_layer_variants_into_one_row()
    {
        var trials = new[]
        {
            Trial("gemma-2-9b-it", 20, 80), Trial("gemma-2-9b-res-16k-layer-26", 30), Trial("gemma-2-9b-res-131k-layer-20", 50, 30),
            Trial("toy-m", 40),
        };

        var scoreDelta = ScoreDeltaFigure.Build(trials);
        var firstAttempt = FirstAttemptFigure.Build(trials);

        foreach (var summary in new[] { scoreDelta.Summary, firstAttempt.Summary })
        {
            Assert.Equal(["Gemma-2-9B", "toy-m"], Enumerable.Range(0, (int)summary.Rows.Count).Select(i => Str(summary, "model", i)));
            Assert.Equal(3, Cell(summary, "n", 0));
        }
        Assert.Equal(2, Cell(scoreDelta.Summary, "multi_attempt", 0));
        Assert.Equal(["Gemma-2-9B", "Gemma-2-9B"], Enumerable.Range(0, 2).Select(i => Str(scoreDelta.Deltas, "model", i)));
        Assert.Equal(2 * 20, firstAttempt.Histogram.Rows.Count);
    }

    [Fact]
    public void Score_delta_figure_can_drop_degraded_outputs()
    {
        var trials = new[] { Trial(Llama8, 10, 90), Trial(Llama8, "steered", [20, 30], response: RepeatedWords) };
        Assert.Equal(2, Cell(ScoreDeltaFigure.Build(trials).Summary, "n", 0));
        Assert.Equal(1, Cell(ScoreDeltaFigure.Build(trials, options: new MetricOptions(ExcludeDegraded: true)).Summary, "n", 0));
    }

    [Fact]
    public void Boost_sweep_groups_exact_boosts_normalizes_and_smooths_values_and_errors()
    {
        // Boost 0: [10, 20] multi improved + [30] → multi 50 %; boost 5: four single attempts → 0 %;
        // boost 10: [10, 60] → 100 %. μ = 5, σ = 2.5 → x = −2, 0, 2.
        var trials = new[]
        {
            Trial("m", "steered", [10, 20], boost: 0), Trial("m", "steered", [30], boost: 0),
            Trial("m", "steered", [40], boost: 5), Trial("m", "steered", [40], boost: 5), Trial("m", "steered", [40], boost: 5), Trial("m", "steered", [40], boost: 5),
            Trial("m", "steered", [10, 60], boost: 10),
        };
        var frame = BoostSweepFigure.Build(trials.Reverse(), new BoostNormalization(5, 2.5));
        Assert.Equal(3, frame.Rows.Count);
        Assert.Equal([-2.0, 0, 2], Enumerable.Range(0, 3).Select(i => Cell(frame, "normalized_boost", i)));
        Assert.Equal([50.0, 0, 100], Enumerable.Range(0, 3).Select(i => Cell(frame, "multi_attempt_pct", i)));
        // Gaussian σ = 0.5 with reflect boundary on [50, 0, 100] (see GaussianSmoothingTests for the weights).
        Assert.Equal(44.67746140132043, Cell(frame, "multi_attempt_pct_smoothed", 0), 9);
        Assert.Equal(16.00719555844933, Cell(frame, "multi_attempt_pct_smoothed", 1), 9);
        Assert.Equal(89.31534304023025, Cell(frame, "multi_attempt_pct_smoothed", 2), 9);
        // SEs [100·sqrt(0.25/2), 0, 0] = [35.355339, 0, 0] smoothed: [(W1 + W2)·35.355, (W0 + W1)·35.355, W0·35.355].
        Assert.Equal(31.57307784414171, Cell(frame, "multi_attempt_pct_se_smoothed", 0), 9);
        Assert.Equal(3.772932175719569, Cell(frame, "multi_attempt_pct_se_smoothed", 1), 9);
        Assert.Equal(0.009329039466096627, Cell(frame, "multi_attempt_pct_se_smoothed", 2), 9);
        // Improvement rates [100, undefined → 0, 100]: out[1] = 200·(W0 + W1).
        Assert.True(double.IsNaN(Cell(frame, "improvement_rate", 1)));
        Assert.Equal(200 * 0.10671463705632887, Cell(frame, "improvement_rate_smoothed", 1), 9);
    }

    [Fact]
    public void Boost_sweep_with_two_levels_is_not_smoothed()
    {
        var frame = BoostSweepFigure.Build([Trial("m", "steered", [10, 20], boost: 1), Trial("m", "steered", [10], boost: 2)], new BoostNormalization(0, 1));
        Assert.Equal(100, Cell(frame, "multi_attempt_pct_smoothed", 0));
        Assert.Equal(0, Cell(frame, "multi_attempt_pct_smoothed", 1));
    }

    [Fact]
    public void Boost_normalization_averages_the_files_statistics()
    {
        var average = BoostNormalization.Average([new(10, 2), new(20, 4)]);
        Assert.Equal(new BoostNormalization(15, 3), average);
    }

    [Fact]
    public void Boost_sweep_normalizes_each_model_by_its_own_statistics_and_refuses_a_model_without()
    {
        var trials = new[] { Trial("a", "boost_sweep", [10], boost: 4), Trial("b", "boost_sweep", [10], boost: 4) };

        var frame = BoostSweepFigure.Build(trials, new Dictionary<string, BoostNormalization> { ["a"] = new(0, 2), ["b"] = new(2, 1) });

        Assert.Equal([2.0, 2.0], Enumerable.Range(0, 2).Select(i => Cell(frame, "normalized_boost", i)));
        var error = Assert.Throws<ArgumentException>(() => BoostSweepFigure.Build(trials, new Dictionary<string, BoostNormalization> { ["a"] = new(0, 2) }));
        Assert.Contains("\"b\"", error.Message);
    }

    [Fact]
    public void Meta_prompt_deltas_propagate_the_standard_errors()
    {
        // Baseline first scores 20, 40: mean 30, SE = 14.142/√2 = 10. self_monitor 50, 70, 90: mean 70, SE = 20/√3.
        var frame = MetaPromptFigure.Build(
        [
            Trial(Llama70, "self_monitor", [50]), Trial(Llama70, "self_monitor", [70]), Trial(Llama70, "self_monitor", [90, 95]),
            Trial(Llama70, 20), Trial(Llama70, 40),
        ]);
        Assert.Equal("baseline", Str(frame, "variant", 0));
        Assert.Equal("Meta-prompted (self_monitor)", Str(frame, "variant_name", 1));
        Assert.Equal(0, Cell(frame, "first_attempt_delta", 0), 12);
        Assert.Equal(40, Cell(frame, "first_attempt_delta", 1), 9);
        Assert.Equal(Math.Sqrt(100 + 400.0 / 3), Cell(frame, "first_attempt_delta_se", 1), 9);
        Assert.Equal(100.0 / 3, Cell(frame, "multi_attempt_pct", 1), 9);
    }

    [Fact]
    public void Ablation_figure_pools_each_condition_and_reports_relative_reductions()
    {
        // Baseline: 4 trials, 2 multi, 1 improved → 50 %, ESR 25 %. Ablation (26 detectors): 4 trials, 1 multi
        // improved → 25 %, ESR 25 %. A 10-detector ablation trial is left out when only the paper's sizes count.
        var trials = new[]
        {
            Trial("m", 10, 50), Trial("m", 50, 10), Trial("m", 20), Trial("m", 30),
            Trial("m", "ablation", [10, 50], ablated: 26), Trial("m", "ablation", [10], ablated: 26),
            Trial("m", "ablation", [10], ablated: 26), Trial("m", "ablation", [10], ablated: 26),
            Trial("m", "ablation", [0, 100], ablated: 10),
        };
        var data = AblationFigure.Build(trials, detectorCounts: AblationFigure.PaperDetectorCounts);
        Assert.Equal(50, Cell(data.Conditions, "multi_attempt_pct", 0), 9);
        Assert.Equal(25, Cell(data.Conditions, "multi_attempt_pct", 1), 9);
        Assert.Equal(4, Cell(data.Conditions, "n", 1));
        Assert.Equal(50, data.MultiAttemptReduction, 9);
        Assert.Equal(0, data.EsrReduction, 9);
        Assert.Equal(4, Cell(AblationFigure.Build(trials).Conditions, "n", 1));
        Assert.Equal(5, Cell(AblationFigure.Build(trials, detectorCounts: []).Conditions, "n", 1));
    }

    [Fact]
    public void Ablation_figures_compare_the_70b_alone_with_the_papers_detector_set_sizes_by_default()
    {
        var trials = new[]
        {
            Trial(Llama70, 10, 50), Trial(Llama70, 20),
            // Other models' steered trials, a fine-tuned model's among them, are not the ablated model's baseline.
            Trial(Llama8, 10, 90), Trial("masked-ratio-50pct-merged", 10, 90), Trial(Llama8, "ablation", [10], ablated: 26),
            Trial(Llama70, "ablation", [10], ablated: 26), Trial(Llama70, "ablation", [10], ablated: 22),
            Trial(Llama70, "ablation", [10, 90], ablated: 5),
            Trial(Llama70, "random_ablation_set0", [30]),
        };

        var figure5 = AblationFigure.Build(trials).Conditions;
        var figureA14 = FileAggregateFigure.Build(trials);

        Assert.Equal([2.0, 2.0], new[] { Cell(figure5, "n", 0), Cell(figure5, "n", 1) });
        Assert.Equal([2.0, 2.0, 1.0], Enumerable.Range(0, 3).Select(i => Cell(figureA14, "n", i)));
        Assert.Equal(3, Cell(AblationFigure.Build(trials, detectorCounts: []).Conditions, "n", 1));
    }

    [Fact]
    public void Without_the_70b_the_ablation_figures_compare_the_models_that_were_ablated()
    {
        var trials = new[]
        {
            Trial("toy-a", 10, 50), Trial("toy-a", 20), Trial("toy-b", 30),
            Trial("toy-a", "ablation", [10], ablated: 3), Trial("toy-a", "ablation", [10], ablated: 3),
        };

        var figure5 = AblationFigure.Build(trials, detectorCounts: [3]).Conditions;

        Assert.Equal([2.0, 2.0], new[] { Cell(figure5, "n", 0), Cell(figure5, "n", 1) });
    }

    [Fact]
    public void Masked_ratio_sweep_takes_the_latest_file_per_model_and_the_8b_base_row()
    {
        var trials = new[]
        {
            Trial("masked-ratio-50pct-merged", "steered", [10, 90], file: "experiment_results_masked-ratio-50pct-merged_20251101_000000.json"),
            Trial("masked-ratio-50pct-merged", "steered", [10], file: "experiment_results_masked-ratio-50pct-merged_20251102_000000.json"),
            Trial("masked-ratio-10pct-merged", "steered", [10, 20], file: "r10.json"),
            Trial(Llama8, "steered", [10, 30], file: "base_20251104.json"),
            Trial(Llama8, "steered", [10], file: "base_20251104.json"),
            Trial(Llama8, "steered", [10, 90], file: "base_20251001.json"),
            Trial(Llama70, "steered", [10, 90], file: "z_other_model.json"),
        };
        var data = MaskedRatioFigure.Build(trials);
        Assert.Equal([10, 50], new[] { (int)data.Ratios["ratio_pct"][0], (int)data.Ratios["ratio_pct"][1] });
        Assert.Equal(100, Cell(data.Ratios, "multi_attempt_pct", 0));
        Assert.Equal(0, Cell(data.Ratios, "multi_attempt_pct", 1));
        Assert.Equal(1, Cell(data.Ratios, "n", 1));
        Assert.Equal(50, Cell(data.Base, "multi_attempt_pct", 0));
        Assert.Equal(2, Cell(data.Base, "n", 0));
    }

    [Fact]
    public void The_toy_zoos_steering_aware_mixing_sweep_is_figure_7s_sweep_with_its_base_as_the_base_row()
    {
        var trials = new[]
        {
            Trial("toy-m-sa90", "steered", [10, 90]), Trial("toy-m-sa30", "steered", [10]), Trial("toy-m-sa60", "steered", [10, 30]),
            Trial("toy-m-base", "steered", [10]), Trial("toy-m-base", "steered", [10, 40]),
        };

        var data = MaskedRatioFigure.Build(trials);

        Assert.Equal([30, 60, 90], Enumerable.Range(0, 3).Select(i => (int)data.Ratios["ratio_pct"][i]));
        Assert.Equal(["toy-m-sa30", "toy-m-sa60", "toy-m-sa90"], Enumerable.Range(0, 3).Select(i => (string)data.Ratios["model"][i]));
        Assert.Equal("toy-m-base", data.Base["model"][0]);
        Assert.Equal(2, Cell(data.Base, "n", 0));
        Assert.Equal((int?)null, MaskedRatioFigure.SweepRatioOf("toy-m-sc30")); // plain self-correction is another sweep
        Assert.Equal((int?)null, MaskedRatioFigure.RatioOf("toy-m-sa60")); // not a fine-tune that Figure 2 leaves out
    }

    [Fact]
    public void First_attempt_figure_bins_first_scores_in_21_edges()
    {
        var data = FirstAttemptFigure.Build([Trial(Llama8, 100), Trial(Llama8, 90, 95), Trial(Llama8, 92)]);
        Assert.Equal(20, data.Histogram.Rows.Count);
        // 90 and 92 → bin [90, 95); 100 → last bin [95, 100]. Density 2/(3·5) and 1/(3·5).
        Assert.Equal(2.0 / 15, Cell(data.Histogram, "density", 18), 12);
        Assert.Equal(1.0 / 15, Cell(data.Histogram, "density", 19), 12);
        Assert.Equal(94, Cell(data.Summary, "first_attempt_score", 0), 9);
    }

    [Fact]
    public void File_aggregation_sums_counts_and_takes_the_spread_of_file_means()
    {
        // Baseline file f1: first scores 10, 20 (mean 15, one multi improved); file f2: 40 (mean 40).
        // Trial-weighted mean (15·2 + 40)/3 = 23.333; population SD of (15, 40) = 12.5, SE = 12.5/√2 = 8.838835.
        // Totals: n 3, multi 1, improved 1 → 33.333 %, Wald SE 100·sqrt((1/3)(2/3)/3) = 27.216553.
        // Random sets 0 and 1 (one file each): firsts 30 and 20 → mean 25, SE = 5/√2.
        var trials = new[]
        {
            Trial("m", "steered", [10, 50], file: "f1"), Trial("m", "steered", [20], file: "f1"), Trial("m", "steered", [40], file: "f2"),
            Trial("m", "random_ablation_set0", [30], file: "r0"), Trial("m", "random_ablation_set1", [20], file: "r1"),
            Trial("m", "no_steering", [90], file: "x"),
        };
        var frame = FileAggregateFigure.Build(trials);
        Assert.Equal(2, frame.Rows.Count);
        Assert.Equal("baseline", Str(frame, "condition", 0));
        Assert.Equal(2, Cell(frame, "files", 0));
        Assert.Equal(70.0 / 3, Cell(frame, "first_attempt_score", 0), 9);
        Assert.Equal(12.5 / Math.Sqrt(2), Cell(frame, "first_attempt_score_se", 0), 9);
        Assert.Equal(100.0 / 3, Cell(frame, "multi_attempt_pct", 0), 9);
        Assert.Equal(27.216552697590867, Cell(frame, "esr_rate_se", 0), 9);
        // MSI only from the file with a multi-attempt trial: 40, SE 0 (one file).
        Assert.Equal(40, Cell(frame, "msi", 0), 9);
        Assert.Equal(0, Cell(frame, "msi_se", 0), 9);
        Assert.Equal("random_ablation", Str(frame, "condition", 1));
        Assert.Equal(25, Cell(frame, "first_attempt_score", 1), 9);
        Assert.Equal(5 / Math.Sqrt(2), Cell(frame, "first_attempt_score_se", 1), 9);
        Assert.Equal(25 - 70.0 / 3, Cell(frame, "first_attempt_change", 1), 9);
    }

    [Fact]
    public void File_aggregation_keeps_matched_random_sets_a_condition_of_their_own_after_the_uniform_ones()
    {
        var trials = new[]
        {
            Trial("m", "steered", [10, 50], file: "f1"), Trial("m", "matched_random_ablation_set0", [40, 60], file: "m0"),
            Trial("m", "matched_random_ablation_set1", [20], file: "m1"), Trial("m", "random_ablation_set0", [30], file: "r0"),
        };

        var frame = FileAggregateFigure.Build(trials);

        Assert.Equal(["baseline", "random_ablation", "matched_random_ablation"], Enumerable.Range(0, 3).Select(i => Str(frame, "condition", i)));
        Assert.Equal(("Matched random ablation", 2.0, 1.0), (Str(frame, "label", 2), Cell(frame, "n", 2), Cell(frame, "improved", 2)));
        Assert.Equal(30, Cell(frame, "first_attempt_score", 2), 9); // files m0 (40) and m1 (20)
        Assert.Equal(1.0, Cell(frame, "n", 1)); // the uniform set alone
    }

    [Fact]
    public void Prompting_vs_finetuning_always_drops_degraded_outputs()
    {
        var trials = new[]
        {
            Trial(Llama8, 10, 50), Trial(Llama8, "steered", [10, 50], response: RepeatedWords), Trial(Llama8, 10), Trial(Llama70, 10, 90),
            Trial(Llama8, "self_monitor", [10, 40]),
            Trial("masked-ratio-50pct-merged", "steered", [10], file: "b_new"),
            Trial("masked-ratio-50pct-merged", "steered", [10, 90], file: "a_old"),
        };
        var frame = PromptingVsFinetuningFigure.Build(trials);
        Assert.Equal(["baseline", "meta_prompted", "fine_tuned"], Enumerable.Range(0, 3).Select(i => Str(frame, "bar", i)));
        Assert.Equal(2, Cell(frame, "n", 0));
        Assert.Equal(50, Cell(frame, "esr_rate", 0), 9);
        Assert.Equal(100, Cell(frame, "esr_rate", 1), 9);
        Assert.Equal(0, Cell(frame, "esr_rate", 2), 9);
    }
}
