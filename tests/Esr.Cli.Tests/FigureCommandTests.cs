using Esr.Kernel.Analysis.Figures;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Judging;
using Esr.Kernel.Results;
using Esr.Kernel.Tests.Experiments.Readouts;
using Esr.Kernel.Tests.Models;

namespace Esr.Cli.Tests;

public sealed class FigureCommandTests : IDisposable
{
    private readonly TemporaryDirectory folder = new();

    private string directory => folder.Path;

    public void Dispose() => folder.Dispose();

    private static TrialRecord Trial(string model, string condition, params double[] scores) =>
        new(Guid.NewGuid().ToString("N"), 1, model, condition, 3, "label", "Explain how.", 10, 10, 1, "a fine answer",
            new JudgeVerdict(scores.Select(s => new Attempt("text", s)).ToList(), "{}", null), null)
        { AblatedLatents = condition == "ablation" ? [1, 2] : [] };

    private Task<string> WriteRunAsync(string name, params TrialRecord[] trials) =>
        TestRuns.WriteAsync(Path.Combine(directory, name), trials);

    // The paper's result files of a run, as `esr experiment export` writes them.
    private static async Task<IReadOnlyList<string>> ExportAsync(string run, string folder)
    {
        var store = new RunStore(run);
        var paths = new List<string>();
        foreach (var (fileName, results) in PaperExport.FromRun(store.ReadManifest()!, store.ReadTrials()))
        {
            paths.Add(Path.Combine(folder, fileName));
            await PaperResultFile.WriteAsync(paths[^1], results);
        }
        return paths;
    }

    private async Task<string> WriteTrialsAsync(string name, params TrialRecord[] trials) =>
        Path.Combine(await WriteRunAsync(name, trials), RunStore.TrialsFile);

    [Fact]
    public async Task Figure_2_from_a_folder_of_run_folders_writes_a_self_contained_html_page()
    {
        await WriteRunAsync("a", Trial("llama-3.3-70b", "steered", 10, 90), Trial("llama-3.3-70b", "steered", 30));
        await WriteRunAsync(Path.Combine("nested", "b"), Trial("gemma-2-2b", "steered", 40));
        // Figure 2 pools Exp-1 steered trials only: no-steering trials and fine-tuned models stay out.
        await WriteRunAsync("c", Trial("gemma-2-9b", "no_steering", 90));
        await WriteRunAsync("d", Trial("masked-ratio-50pct-merged", "steered", 20));
        string output = Path.Combine(directory, "figure2.html");
        var run = await CliRun.InProcessAsync("figure", "2", "--results", directory, "--out", output);
        Assert.Equal((0, ""), (run.ExitCode, run.Stderr));
        Assert.Equal(output, run.Stdout.Trim());
        string html = await File.ReadAllTextAsync(output);
        Assert.Contains("Llama-3.3-70B", html);
        Assert.Contains("Gemma-2-2B", html);
        Assert.Contains("ESR Rate", html);
        Assert.DoesNotContain("Gemma-2-9B", html);
        Assert.DoesNotContain("masked-ratio", html);
    }

    [Fact]
    public async Task Figure_2_draws_a_run_folder_and_a_paper_file_written_by_the_exporter()
    {
        string llama = await WriteRunAsync("llama", Trial("llama-3.3-70b", "steered", 10, 90));
        string gemma = await WriteRunAsync("gemma", Trial("gemma-2-2b", "steered", 40), Trial("gemma-2-2b", "steered", 20, 60));
        string exported = Directory.CreateDirectory(Path.Combine(directory, "paper")).FullName;
        string paperFile = Assert.Single(await ExportAsync(gemma, exported));
        Directory.Delete(gemma, recursive: true);
        string output = Path.Combine(directory, "figure2.html");

        var run = await CliRun.InProcessAsync("figure", "2", "--results", llama, paperFile, "--out", output);

        Assert.Equal((0, ""), (run.ExitCode, run.Stderr));
        string html = await File.ReadAllTextAsync(output);
        Assert.Contains("Llama-3.3-70B", html);
        Assert.Contains("Gemma-2-2B", html);
    }

    [Fact]
    public async Task Figure_3_draws_the_boost_sweep_trials_of_a_run()
    {
        TrialRecord Level(double boost, params double[] scores) => Trial("gemma-2-2b", "boost_sweep", scores) with { Boost = boost };
        string run = await WriteRunAsync("sweep", Level(2, 10), Level(4, 20, 80), Level(8, 30));
        string output = Path.Combine(directory, "figure3.html");

        var drawn = await CliRun.InProcessAsync("figure", "3", "--results", run, "--out", output, "--boost-mean", "4", "--boost-std", "2");
        // Exp-1 steered trials are not a sweep: alone they leave figure 3 nothing to draw.
        var steered = await CliRun.InProcessAsync("figure", "3", "--results", await WriteRunAsync("exp1", Trial("m", "steered", 10)),
            "--out", output, "--boost-mean", "4", "--boost-std", "2");

        Assert.Equal((0, ""), (drawn.ExitCode, drawn.Stderr));
        Assert.Contains("Gemma-2-2B", await File.ReadAllTextAsync(output));
        Assert.Equal(1, steered.ExitCode);
        Assert.Contains("no trials for figure 3", steered.Stderr);
    }

    // An Exp-2 run as the runner leaves it: the levels' threshold-cache statistics in the manifest.
    private async Task<string> WriteSweepAsync(string name, string model, double mean, double std, params (double Boost, double Threshold)[] levels)
    {
        var store = new RunStore(Path.Combine(directory, name));
        await store.StartOrResumeAsync(new RunManifest("2", "1.0", 5, model, "sha256:aa", "sha256:bb", "scripted", null,
            ExperimentSettings.ForExperiment("2").ToJson(), new Dictionary<string, string>()) { ThresholdCacheStats = new(mean, std), CreatedUtc = DateTimeOffset.UnixEpoch });
        await store.AppendAsync(levels.Select((l, i) => Trial(model, "boost_sweep", 10, i == 1 ? 70 : 10) with { Boost = l.Boost, Threshold = l.Threshold, Latent = i }).ToArray());
        return store.Directory;
    }

    [Fact]
    public async Task Figure_3_puts_boosts_in_standard_deviations_of_the_threshold_cache_that_built_the_levels()
    {
        // The latents' own thresholds (mean 20, SD 10) are not the cache's statistics (mean 4, SD 2).
        string run = await WriteSweepAsync("sweep", "llama-3.3-70b", 4, 2, (2, 10), (4, 20), (8, 30));
        string exported = Directory.CreateDirectory(Path.Combine(directory, "paper")).FullName;
        string paperFile = Assert.Single(await ExportAsync(await WriteSweepAsync("other", "gemma-2-2b", 6, 4, (2, 1), (6, 2), (10, 3)), exported));
        string output = Path.Combine(directory, "figure3.html");

        var fromStats = await CliRun.InProcessAsync("figure", "3", "--results", run, paperFile, "--out", output);
        string html = await File.ReadAllTextAsync(output);
        var overridden = await CliRun.InProcessAsync("figure", "3", "--results", run, "--out", output, "--boost-mean", "0", "--boost-std", "1");

        Assert.Equal((0, ""), (fromStats.ExitCode, fromStats.Stderr));
        Assert.Contains("\"x\":[-1.0,0.0,2.0]", html);   // llama: (2, 4, 8 − 4)/2
        Assert.Contains("\"x\":[-1.0,0.0,1.0]", html);   // gemma, from its exported file: (2, 6, 10 − 6)/4
        Assert.Equal((0, ""), (overridden.ExitCode, overridden.Stderr));
        Assert.Contains("\"x\":[2.0,4.0,8.0]", await File.ReadAllTextAsync(output));
    }

    [Fact]
    public async Task A_folder_yields_its_runs_whole_and_its_paper_files_and_a_run_given_twice_counts_once()
    {
        string run = await WriteRunAsync("run", Trial("m", "steered", 10), Trial("m", "steered", 20, 70));
        // An export kept inside the run folder is not read again: a run folder is read as a run only.
        await ExportAsync(run, run);
        string other = await WriteRunAsync("other", Trial("n", "steered", 30), Trial("n", "steered", 5));
        string exports = Directory.CreateDirectory(Path.Combine(directory, "exports")).FullName;
        await ExportAsync(other, exports);
        Directory.Delete(other, recursive: true);

        var trials = FigureTrialReader.Read([directory, Path.Combine(run, RunStore.TrialsFile)], CancellationToken.None);

        Assert.Equal(4, trials.Count);
        Assert.Equal(["m", "m", "n", "n"], trials.Select(t => t.Model).Order(StringComparer.Ordinal));
        Assert.All(trials.Where(t => t.Model == "n"), t => Assert.StartsWith("experiment_results_n_", t.SourceFile));
        Assert.Equal([70.0], trials.Single(t => t.Verdict!.Attempts!.Count == 2).Verdict!.Attempts!.Skip(1).Select(a => a.Score!.Value));
    }

    // An old JSONL dump named directly, and a JSON file of another kind met inside a searched folder.
    [Theory]
    [InlineData("old.jsonl", "{}", false, "old.jsonl: expected a run folder")]
    [InlineData("labels.json", "{\"labels\": []}", true, "labels.json: missing object 'experiment_config'")]
    public async Task A_file_that_is_neither_a_run_nor_a_paper_result_fails_with_one_line_naming_it(
        string name, string content, bool searchFolder, string message)
    {
        string path = Path.Combine(directory, name);
        await File.WriteAllTextAsync(path, content);
        var run = await CliRun.InProcessAsync("figure", "2", "--results", searchFolder ? directory : path, "--out", Path.Combine(directory, "f.html"));
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Contains(message, Assert.Single(run.StderrLines));
    }

    private const string Hostile = "</script><script>document.title='PWNED'</script><b>";

    // A hostile model name, latent label, prompt, meta-prompt variant and judge: text from data, drawn by each figure.
    [Theory]
    [InlineData("2")]
    [InlineData("4-variants")]
    [InlineData("A4")]
    public async Task Text_from_data_is_escaped_in_the_page_and_never_closes_its_inline_script(string figure)
    {
        string model = "M" + Hostile;
        TrialRecord Poisoned(string condition, params double[] scores) =>
            Trial(model, condition, scores) with { LatentLabel = "LABEL" + Hostile, Prompt = "PROMPT" + Hostile };
        string results = figure == "A4"
            ? WriteCrossJudgeOutput("J" + Hostile, model)
            : await WriteRunAsync("hostile", Poisoned("steered", 10, 90), Poisoned("steered", 30), Poisoned("V" + Hostile, 20, 60));
        string output = Path.Combine(directory, "hostile.html");

        var run = await CliRun.InProcessAsync(["figure", figure, "--results", results, "--out", output, .. figure == "4-variants" ? new[] { "--model", model } : []]);

        Assert.Equal((0, ""), (run.ExitCode, run.Stderr));
        string html = await File.ReadAllTextAsync(output);
        // Only the page's own two scripts (plotly.js and the plot) open and close.
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(html, "</script", System.Text.RegularExpressions.RegexOptions.IgnoreCase).Count);
        Assert.DoesNotContain("<script>document", html);
        string plot = html[html.LastIndexOf("<script>", StringComparison.Ordinal)..];
        Assert.DoesNotContain("LABEL<", plot);
        Assert.DoesNotContain("PROMPT<", plot);
        // What the figure shows (as plotly text) is the name itself, escaped: plotly draws &lt; as "<".
        string escaped = "&lt;/script&gt;&lt;script&gt;document.title='PWNED'&lt;/script&gt;&lt;b&gt;";
        Assert.Contains((figure switch { "A4" => "J", "4-variants" => "V", _ => "M" }) + escaped, html);
    }

    [Fact]
    public async Task Figure_4_variants_needs_exactly_one_model()
    {
        string results = await WriteTrialsAsync("t", Trial("m", "steered", 10), Trial("n", "self_monitor", 20));
        string output = Path.Combine(directory, "f.html");
        var two = await CliRun.InProcessAsync("figure", "4-variants", "--results", results, "--out", output, "--model", "m", "n");
        Assert.Equal(1, two.ExitCode);
        Assert.Contains("exactly one --model", two.Stderr);
        var one = await CliRun.InProcessAsync("figure", "4-variants", "--results", results, "--out", output, "--model", "m");
        Assert.Equal((0, ""), (one.ExitCode, one.Stderr));
    }

    [Theory]
    [InlineData(null, "(0/1)")]
    [InlineData("any", "(1/2)")]
    [InlineData("2", "(1/1)")]
    public async Task Figure_5_compares_the_70b_with_its_ablation_trials_of_the_papers_detector_set_sizes_unless_told(string? counts, string ablationEsr)
    {
        TrialRecord Ablated(int detectors, params double[] scores) =>
            Trial("llama-3.3-70b", "ablation", scores) with { AblatedLatents = Enumerable.Range(0, detectors).ToArray() };
        string results = await WriteTrialsAsync("t", Trial("llama-3.3-70b", "steered", 10, 50), Trial("llama-3.3-70b", "steered", 20),
            Trial("llama-3.1-8b", "steered", 10, 90), Trial("masked-ratio-50pct-merged", "steered", 30), Ablated(26, 30), Ablated(2, 10, 40));
        string output = Path.Combine(directory, "figure5.html");

        var run = await CliRun.InProcessAsync(["figure", "5", "--results", results, "--out", output, .. counts is null ? Array.Empty<string>() : ["--detector-counts", counts]]);

        Assert.Equal((0, ""), (run.ExitCode, run.Stderr));
        // The ESR panel's labels: (improved/total) for the 70B's steered baseline, then the ablation.
        Assert.Contains($"\"text\":[\"(1/2)\",\"{ablationEsr}\"]", await File.ReadAllTextAsync(output));
    }

    [Fact]
    public async Task Detector_counts_that_are_not_numbers_fail_with_one_line_naming_the_option()
    {
        string results = await WriteTrialsAsync("t", Trial("m", "steered", 10), Trial("m", "ablation", 20));
        var run = await CliRun.InProcessAsync("figure", "5", "--results", results, "--out", Path.Combine(directory, "f.html"), "--detector-counts", "22,all");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--detector-counts '22,all': expected comma-separated numbers", Assert.Single(run.StderrLines));
    }

    [Fact]
    public async Task Figure_5_renders_a_png()
    {
        string results = await WriteTrialsAsync("t", Trial("m", "steered", 10, 50), Trial("m", "steered", 20), Trial("m", "ablation", 30));
        string output = Path.Combine(directory, "figure5.png");
        var run = await CliRun.InProcessAsync("figure", "5", "--results", results, "--out", output, "--scale", "1");
        Assert.Equal((0, ""), (run.ExitCode, run.Stderr));
        var bytes = await File.ReadAllBytesAsync(output);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, bytes.Take(4));
    }

    [Fact]
    public async Task A_malformed_line_fails_with_one_line_naming_the_file_and_line()
    {
        string results = await WriteTrialsAsync("t", Trial("m", "steered", 10));
        File.AppendAllText(results, "{not json\n");
        var run = await CliRun.InProcessAsync("figure", "2", "--results", results, "--out", Path.Combine(directory, "f.html"));
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Single(run.StderrLines);
        Assert.Contains("trials.jsonl, line 2", run.Stderr);
    }

    [Theory]
    [InlineData("figure.svg", "--out must end in .html or .png")]
    [InlineData("figure.html", "has no threshold_cache_stats; give --boost-mean and --boost-std")]
    public async Task Unusable_requests_fail_with_one_line(string output, string message)
    {
        string results = await WriteTrialsAsync("t", Trial("m", "boost_sweep", 10));
        var run = await CliRun.InProcessAsync("figure", "3", "--results", results, "--out", Path.Combine(directory, output));
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Contains(message, Assert.Single(run.StderrLines));
        Assert.False(File.Exists(Path.Combine(directory, output)));
    }

    [Fact]
    public async Task Figure_6_draws_the_detector_sum_and_the_backtracking_latent_from_experiment_6s_json()
    {
        string results = Path.Combine(directory, "experiment_6_sequential_activations.json");
        JsonResultFile.Write(results, SequentialReadouts.Small().ToJson());
        string output = Path.Combine(directory, "figure6.html");

        var run = await CliRun.InProcessAsync("figure", "6", "--results", results, "--out", output);

        Assert.Equal((0, ""), (run.ExitCode, run.Stderr));
        Assert.Equal(output, run.Stdout.Trim());
        string html = await File.ReadAllTextAsync(output);
        Assert.Contains("Off-topic detectors (sum)", html);
        Assert.Contains("\"title\":{\"text\":\"backtracking\"}", html); // the bottom latent's label in the file
        Assert.Contains("User prompt", html);
    }

    // A run's trials, a paper result file or a missing path where experiment 6's JSON belongs.
    [Theory]
    [InlineData("trials", "trials.jsonl': not valid JSON")]
    [InlineData("paper", "\"token_strings\"")]
    [InlineData("missing", "missing.json': no such file")]
    public async Task Figure_6_from_another_file_fails_with_one_line_naming_it(string kind, string message)
    {
        string path = kind switch
        {
            "trials" => await WriteTrialsAsync("t", Trial("m", "steered", 10), Trial("m", "steered", 20)),
            "paper" => Assert.Single(await ExportAsync(await WriteRunAsync("r", Trial("m", "steered", 10)), directory)),
            _ => Path.Combine(directory, "missing.json"),
        };
        string output = Path.Combine(directory, "figure6.html");

        var run = await CliRun.InProcessAsync("figure", "6", "--results", path, "--out", output);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Contains(message, Assert.Single(run.StderrLines));
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task An_unknown_figure_is_a_usage_error()
    {
        var run = await CliRun.InProcessAsync("figure", "99", "--results", directory, "--out", Path.Combine(directory, "f.html"));
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Stdout);
    }

    // Experiment 7's output folder as `esr experiment 7` leaves it: the per-(judge, trial) table.
    private string WriteCrossJudgeOutput(string secondJudge = "judge-b", string otherModel = "gemma-2-2b-it")
    {
        var rows = new[] { "judge-a", secondJudge }.SelectMany(judge => Enumerable.Range(0, 4).Select(i =>
            new Esr.Kernel.Experiments.CrossJudge.CrossJudgeRow(judge, $"t{i}", i % 2 == 0 ? "70B" : otherModel, 10, i == 0 ? 80 : 10, i == 0 ? 2 : 1, i == 0 ? 70 : 0)));
        var folder = Directory.CreateDirectory(Path.Combine(directory, "exp7")).FullName;
        Microsoft.Data.Analysis.DataFrame.SaveCsv(Esr.Kernel.Experiments.CrossJudge.CrossJudgeAnalysis.RowsFrame(rows.ToList()),
            Path.Combine(folder, Esr.Kernel.Experiments.CrossJudge.CrossJudgeAnalysis.RowsCsvFile), cultureInfo: System.Globalization.CultureInfo.InvariantCulture);
        return folder;
    }

    [Theory]
    [InlineData("A4", "Mean Score Improvement")]
    [InlineData("A5", "ESR Rate")]
    [InlineData("A6", "Attempt counts")]
    public async Task Cross_judge_figures_draw_each_judge_from_experiment_7s_output_folder(string figure, string text)
    {
        string output = Path.Combine(directory, $"{figure}.html");

        var run = await CliRun.InProcessAsync("figure", figure, "--results", WriteCrossJudgeOutput(), "--out", output);

        Assert.Equal((0, ""), (run.ExitCode, run.Stderr));
        string html = File.ReadAllText(output);
        Assert.Contains("judge-a", html);
        Assert.Contains("judge-b", html);
        Assert.Contains(text, html);
    }

    [Fact]
    public async Task A_cross_judge_figure_from_a_folder_without_experiment_7s_table_names_the_file_it_wants()
    {
        var run = await CliRun.InProcessAsync("figure", "A4", "--results", directory, "--out", Path.Combine(directory, "a4.html"));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Contains("experiment_7_cross_judge_trials.csv", Assert.Single(run.StderrLines));
    }

    [Fact]
    public async Task Figure_A16_draws_the_three_bars_experiment_9_saved()
    {
        var folder = Directory.CreateDirectory(Path.Combine(directory, "exp9")).FullName;
        File.WriteAllText(Path.Combine(folder, Esr.Kernel.Experiments.Episodes.EpisodePipelineResult.BaselineComparisonCsvFile),
            "condition,mean,sd,ratio_to_baseline\nSelf-correction off-topic,0.0119,0.004,4.4\nSelf-correction on-topic,0.0058,0.002,2.1\nNo self-correction baseline,0.0027,0.001,1\n");
        string output = Path.Combine(directory, "a16.html");

        var run = await CliRun.InProcessAsync("figure", "A16", "--results", folder, "--out", output);

        Assert.Equal((0, ""), (run.ExitCode, run.Stderr));
        string html = File.ReadAllText(output);
        Assert.Contains("No self-correction baseline", html);
        Assert.Contains("0.0119", html);
    }
}
