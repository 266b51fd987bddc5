using Esr.Kernel.Analysis.Figures;
using Esr.Kernel.Tests.Models;
using Esr.Kernel.Tests.Analysis.Figures;

namespace Esr.Kernel.Tests;

public sealed class FigureCatalogTests
{
    public static TheoryData<string> Ids => new(FigureCatalog.All.Select(figure => figure.Id));

    // Figure 4-variants draws one model's variants; every other figure draws all the folder holds.
    private static readonly Dictionary<string, string[]> ModelsFor = new() { ["4-variants"] = ["llama-3.3-70b"] };

    [Fact]
    public void Every_figure_has_its_own_id_whatever_the_case()
    {
        var ids = FigureCatalog.All.Select(figure => figure.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Same(FigureCatalog.All, Workbench.Figures);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public async Task Every_figure_draws_from_a_small_results_folder(string id)
    {
        using var results = await FigureResultsFolder.CreateAsync();
        var figure = FigureCatalog.Get(id);

        var chart = figure.Draw(new FigureRequest([results.ResultsOf(figure)]) { Models = ModelsFor.GetValueOrDefault(id, []) });

        Assert.Contains("\"data\":[{", FigureExport.ToJson(chart));
    }

    [Fact]
    public void A_figure_is_found_by_its_id_in_any_case_and_an_unknown_id_lists_the_known_ones()
    {
        Assert.Same(TrialFigures.Figure4Variants, Workbench.Figure("4-VARIANTS"));
        Assert.Same(ReadoutFigures.FigureA16, FigureCatalog.Get("a16"));
        var error = Assert.Throws<EsrInputException>(() => FigureCatalog.Get("99"));
        Assert.Equal("unknown figure '99': expected one of 2, 2-degraded, 3, 4, 4-variants, 5, 6, 7, combined, A2, A3, A4, A5, A5-multi, A6, A14, A15, A16", error.Message);
    }

    [Fact]
    public void Each_figure_says_what_it_reads_and_which_options_it_uses()
    {
        Assert.Equal(FigureInput.Trials, TrialFigures.Figure2.Input);
        Assert.Equal(FigureInput.ExperimentFile, ReadoutFigures.Figure6.Input);
        Assert.Equal(FigureInput.ExperimentOutputFolder, ReadoutFigures.FigureA4.Input);
        Assert.Equal(FigureRequestFields.Results | FigureRequestFields.Models | FigureRequestFields.ExcludeDegraded | FigureRequestFields.BoostStatistics,
            TrialFigures.Figure3.Uses);
        Assert.True(TrialFigures.Figure5.Uses.HasFlag(FigureRequestFields.DetectorCounts));
        Assert.False(TrialFigures.Figure2.Uses.HasFlag(FigureRequestFields.DetectorCounts));
        Assert.Equal(FigureRequestFields.Results, ReadoutFigures.FigureA16.Uses);
    }

    [Fact]
    public async Task Saving_writes_the_page_the_extension_names_and_refuses_other_extensions_before_reading()
    {
        using var results = await FigureResultsFolder.CreateAsync();
        using var output = new TemporaryDirectory();
        var request = new FigureRequest([results.Runs]);

        await TrialFigures.Figure2.SaveAsync(request, output.File("figure2.html"));
        var error = await Assert.ThrowsAsync<EsrInputException>(() => TrialFigures.Figure2.SaveAsync(request with { Results = ["missing"] }, output.File("figure2.svg")));

        Assert.Contains("Llama-3.3-70B", await File.ReadAllTextAsync(output.File("figure2.html")));
        Assert.Equal($"--out must end in .html or .png: {output.File("figure2.svg")}", error.Message);
    }

    [Fact]
    public async Task Figure_6_takes_one_file_and_the_cross_judge_figures_their_experiments_output_folder()
    {
        using var results = await FigureResultsFolder.CreateAsync();

        var two = Assert.Throws<EsrInputException>(() => ReadoutFigures.Figure6.Draw(new FigureRequest([results.Runs, results.Runs])));
        var folder = Assert.Throws<EsrInputException>(() => ReadoutFigures.Figure6.Draw(new FigureRequest([results.Experiment("6")])));
        var empty = Assert.Throws<EsrInputException>(() => ReadoutFigures.FigureA5.Draw(new FigureRequest([results.Experiment("9")])));

        Assert.Equal("figure 6 takes one --results file, experiment 6's JSON; got 2", two.Message);
        Assert.Equal($"--results '{results.Experiment("6")}': no such file (figure 6 reads experiment 6's experiment_6_sequential_activations.json)", folder.Message);
        Assert.Equal($"--results '{results.Experiment("9")}': no experiment_7_cross_judge_trials.csv (figure A5 reads experiment 7's output)", empty.Message);
    }

    [Fact]
    public void A_malformed_trials_file_is_an_input_error_naming_the_file_and_line()
    {
        using var folder = new TemporaryDirectory();
        File.WriteAllText(folder.File("trials.jsonl"), "{not json\n");
        File.WriteAllText(folder.File("manifest.json"), "{}");

        var error = Assert.Throws<EsrInputException>(() => TrialFigures.Figure2.Draw(new FigureRequest([folder.File("trials.jsonl")])));

        Assert.Contains("trials.jsonl, line 1", error.Message);
    }
}
