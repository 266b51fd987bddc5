using Esr.Kernel.Results;
using Esr.Kernel.Tests.Models;
using static Esr.Kernel.Tests.Analysis.Figures.SyntheticTrials;

namespace Esr.Kernel.Tests.Analysis.Figures;

/// <summary>The trials each figure pools (ESR_SPEC §2.4), as <see cref="TrialFigure.Select"/> keeps them.</summary>
public sealed class TrialFigureTests
{
    private static readonly TrialRecord[] Trials =
    [
        Trial("llama-3.3-70b", "steered", [10]), Trial("llama-3.3-70b", "boost_sweep", [20]), Trial("llama-3.3-70b", "no_steering", [30]),
        Trial("llama-3.3-70b", "self_monitor", [40]), Trial("llama-3.3-70b", "ablation", [50], ablated: 26),
        Trial("gemma-2-2b", "steered", [60]), Trial("masked-ratio-50pct-merged", "steered", [70]),
        Trial("masked-ratio-50pct-merged", "no_steering", [80]), Trial("masked-ratio-50pct-merged", "self_monitor", [90]),
    ];

    private static string[] Kept(string id, params string[] models) =>
        ((TrialFigure)FigureCatalog.Get(id)).Select(Trials, models)
            .Select(t => $"{t.Model}/{t.Condition}").ToArray();

    [Theory]
    [InlineData("2")]
    [InlineData("2-degraded")]
    public void Figure_2_pools_the_steered_trials_of_models_that_are_not_fine_tuned(string id) =>
        Assert.Equal(["llama-3.3-70b/steered", "gemma-2-2b/steered"], Kept(id));

    [Fact]
    public void Figure_3_pools_the_boost_sweep_of_every_model() =>
        Assert.Equal(["llama-3.3-70b/boost_sweep"], Kept("3"));

    [Theory]
    [InlineData("A2")]
    [InlineData("A3")]
    public void The_appendix_baseline_figures_pool_no_steering_trials_without_fine_tuned_models(string id) =>
        Assert.Equal(["llama-3.3-70b/no_steering"], Kept(id));

    [Theory]
    [InlineData("4")]
    [InlineData("4-variants")]
    public void Figure_4_keeps_every_condition_but_no_fine_tuned_model(string id) =>
        Assert.Equal(6, Kept(id).Length);

    [Theory]
    [InlineData("5")]
    [InlineData("7")]
    [InlineData("combined")]
    [InlineData("A14")]
    public void The_figures_that_choose_their_conditions_keep_every_trial_fine_tuned_ones_included(string id) =>
        Assert.Equal(Trials.Length, Kept(id).Length);

    [Fact]
    public void The_model_filter_comes_first_for_every_figure()
    {
        Assert.Equal(["gemma-2-2b/steered"], Kept("2", "gemma-2-2b"));
        Assert.Equal(["masked-ratio-50pct-merged/steered", "masked-ratio-50pct-merged/no_steering", "masked-ratio-50pct-merged/self_monitor"],
            Kept("7", "masked-ratio-50pct-merged"));
        Assert.Empty(Kept("A2", "masked-ratio-50pct-merged"));
    }

    [Fact]
    public async Task Results_without_a_trial_the_figure_pools_name_the_figure_and_the_model_filter()
    {
        using var results = await FigureResultsFolder.CreateAsync();

        var error = Assert.Throws<EsrInputException>(() => TrialFigures.Figure2.Draw(new FigureRequest([results.Runs]) { Models = ["absent"] }));

        Assert.Equal("--results holds no trials for figure 2 and --model absent", error.Message);
    }

    [Fact]
    public async Task Figure_4_variants_needs_exactly_one_model()
    {
        using var results = await FigureResultsFolder.CreateAsync();

        var error = Assert.Throws<EsrInputException>(() => TrialFigures.Figure4Variants.Draw(new FigureRequest([results.Runs])));

        Assert.Equal("figure 4-variants needs exactly one --model", error.Message);
    }

    [Fact]
    public async Task Figure_3_takes_both_boost_statistics_or_neither_and_a_positive_sd()
    {
        using var results = await FigureResultsFolder.CreateAsync();
        var request = new FigureRequest([results.Runs]);

        var one = Assert.Throws<EsrInputException>(() => TrialFigures.Figure3.Draw(request with { BoostMean = 1 }));
        var zero = Assert.Throws<EsrInputException>(() => TrialFigures.Figure3.Draw(request with { BoostMean = 1, BoostStd = 0 }));

        Assert.Equal("give both --boost-mean and --boost-std, or neither", one.Message);
        Assert.Equal("--boost-std must be positive, got 0", zero.Message);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("any", "")]
    [InlineData(" ANY ", "")]
    [InlineData("22, 25,26", "22,25,26")]
    public void Detector_counts_read_as_the_option_writes_them(string? text, string? counts) =>
        Assert.Equal(counts, FigureRequest.ParseDetectorCounts(text) is { } parsed ? string.Join(",", parsed) : null);

    [Fact]
    public void Detector_counts_that_are_not_numbers_name_the_option_and_what_it_expects()
    {
        var error = Assert.Throws<EsrInputException>(() => FigureRequest.ParseDetectorCounts("22,all"));
        Assert.Equal("--detector-counts '22,all': expected comma-separated numbers of ablated latents (e.g. 22,25,26) or any", error.Message);
    }
}
