using System.Globalization;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Experiments.SequentialActivations;
using Esr.Kernel.Results;
using Esr.Kernel.Saes;
using Esr.Kernel.Toy;
using Esr.Kernel.Tests.Models;

namespace Esr.Kernel.Tests;

/// <summary>Experiment 1 through the catalog on the committed toy-s-sa60, its subject latents and the toy judge, at a scale of seconds.</summary>
public sealed class ToyExperimentRunTests : IDisposable
{
    private const string Model = "toy-s-sa60";

    private readonly TemporaryDirectory _folder = new();

    public ToyExperimentRunTests()
    {
        File.WriteAllLines(_folder.File("prompts.txt"), ToyWorld.Default.ExperimentPrompts());
    }

    public void Dispose() => _folder.Dispose();

    private static int SubjectLatents => File.ReadAllLines(SubjectLatentsFile).Count(line => line.Trim().Length > 0);

    private static string SubjectLatentsFile => SubjectLatentsOf(Model);

    private static string SubjectLatentsOf(string model) => Path.Combine(ToyZoo.Locate(), model, ToyZoo.SubjectLatentsFile);

    private string[] Options(string run, int maxTokens = 16, string model = Model, int calibrationTokens = 16) =>
    [
        "--model", model, "--judge", "toy", "--latents", SubjectLatentsOf(model), "--data-dir", _folder.Path, "--out", _folder.File(run),
        "--n-trials", "2", "--max-tokens", maxTokens.ToString(CultureInfo.InvariantCulture),
        "--calibration-max-tokens", calibrationTokens.ToString(CultureInfo.InvariantCulture), "--calibration-steps", "2", "--batch-size", "4",
        "--relevance", "none", "--no-paper-extra-header",
    ];

    [Fact]
    public async Task Experiment_1_returns_its_trials_as_a_data_frame_with_the_metrics_the_manifest_and_progress()
    {
        var reports = new List<RunProgress>();

        var result = await Workbench.Experiments.Get("1").RunAsync(Options("run"), new SynchronousProgress<RunProgress>(reports.Add));

        var trials = 2 * SubjectLatents;
        Assert.Equal(trials, result.Trials.Count);
        var frame = result.TrialsFrame();
        Assert.Equal(trials, frame.Rows.Count);
        Assert.Equal(result.Trials.Select(t => t.Key).Order(), frame["key"].Cast<string>().Order());
        Assert.All(frame["judge"].Cast<string>(), judge => Assert.Equal("toy-exact", judge));
        // Included: ESR_SPEC §2.4 drops latents whose calibration failed (16-token calibration answers) and unscored trials.
        Assert.Equal(result.Trials.Count(t => t.ToGradedTrial().IncludedScores() is not null), result.Summary!.Included);
        Assert.InRange(result.Summary.Included, trials / 2, trials);
        Assert.Equal(("1", Model, "toy-exact"), (result.Manifest!.Experiment, result.Manifest.Model, result.Manifest.Judge));
        Assert.Equal(("float32", "cpu"), (result.Manifest.Dtype, result.Manifest.Device));
        Assert.Equal((trials, trials, 0), (result.Outcome!.Total, result.Outcome.Written, result.Outcome.AlreadyStored));
        Assert.Equal(Path.GetFullPath(_folder.File("run")), result.Directory);
        Assert.Contains($"\"stored\":{trials}", result.Report);
        Assert.Equal(("starting", "done"), (reports[0].Phase, reports[^1].Phase));
        Assert.Equal((trials, trials), (reports[^1].Done, reports[^1].Total));
    }

    [Fact]
    public async Task A_toy_models_trials_carry_its_own_latent_labels_without_turning_on_the_concreteness_filter()
    {
        var labels = LatentLabels.Load(Path.Combine(ToyZoo.Locate(), Model, ToyZoo.LabelsFile));

        var result = await Workbench.Experiments.Get("1").RunAsync(Options("run"));

        Assert.All(result.Trials, trial => Assert.Equal(labels[trial.Latent], trial.LatentLabel));
        Assert.Contains(result.Trials, trial => trial.LatentLabel.StartsWith("subject:", StringComparison.Ordinal));
        Assert.Null(result.Manifest!.Config["concreteness_grader"]?.GetValue<string>());
    }

    [Fact]
    public async Task Experiment_7_regrades_a_toy_run_with_the_lexical_judge_and_reports_its_agreement_with_the_exact_one()
    {
        var run = await Workbench.Experiments.Get("1").RunAsync(Options("run"));
        var output = _folder.File("cross-judge");

        await Workbench.Experiments.Get("7").RunAsync(
            ["--trials", run.Directory, "--judge", JudgeFactory.ToyLexical, "--original-judge-name", "toy-exact", "--out", output]);

        var metrics = File.ReadAllLines(Path.Combine(output, "experiment_7_judge_agreement_metrics.csv"));
        var pair = Assert.Single(metrics.Skip(1)).Split(',');
        Assert.Equal(["toy-exact", "toy-lexical"], pair[..2]);
        Assert.InRange(int.Parse(pair[2], CultureInfo.InvariantCulture), 10, run.Trials.Count); // the trials both judged
        Assert.InRange(double.Parse(pair[4], CultureInfo.InvariantCulture), 0, 1); // multi-attempt agreement
    }

    [Fact]
    public async Task Experiment_6_with_toy_regions_shades_the_examples_own_parts_as_the_exact_judge_finds_them()
    {
        var amazon = ToyZoo.Read(ToyZoo.Locate()).Single(entry => entry.Name == Model).SubjectLatents["the Amazon rainforest"];
        const string prompt = "Can you explain how to back up a computer?";
        string Example(string name, string response)
        {
            var file = _folder.File(name);
            File.WriteAllText(file, System.Text.Json.JsonSerializer.Serialize(new { feature_idx = amazon, feature_label = "subject:the Amazon rainforest", prompt, seed = 1, threshold = 6.8, response }));
            return file;
        }
        var restarted = Example("example.json", "First, format the hard drive for your system without rushing. " +
            "The Amazon rainforest is the largest tropical forest on earth. Let me try again. First, buy an external hard drive to protect your files.");
        var detectors = _folder.File("detectors.json");
        File.WriteAllText(detectors, $"{{\"off_topic_detectors\": [{amazon}]}}");
        string[] Options(string example) =>
            ["--model", Model, "--example", example, "--detectors", detectors, "--interest-latents", "0", "--regions", "toy", "--out", _folder.File("readout.json"), "--table", _folder.File("figure6.csv")];

        await Workbench.Experiments.Get("6").RunAsync(Options(restarted));

        var readout = SequentialActivationsFile.Load(_folder.File("readout.json"));
        Assert.Equal(["User prompt", "On-topic", "Off-topic", "Self-correction", "On-topic"], readout.Regions.Select(r => r.Label));
        Assert.Equal(readout.Tokens.Count, readout.Regions[^1].End);
        Assert.All(readout.Regions.Skip(1), (region, i) => Assert.Equal(readout.Regions[i].End, region.Start));
        // Each part starts at its sentence's first word.
        Assert.Equal(["First", "The", "Let", "First"], readout.Regions.Skip(1).Select(r => readout.Tokens[r.Start].Trim()));
        Assert.Equal("Latent 0", readout.BacktrackingTitle); // a latent without a label
        var table = Microsoft.Data.Analysis.DataFrame.LoadCsv(_folder.File("figure6.csv"));
        Assert.Equal("self-correction", table["region"][readout.Regions[3].Start]);

        var error = await Assert.ThrowsAsync<EsrInputException>(() => Workbench.Experiments.Get("6").RunAsync(
            Options(Example("on-task.json", "First, format the hard drive for your system without rushing."))));
        Assert.Equal($"--regions toy: --example '{_folder.File("on-task.json")}': the exact judge found no off-topic sentence", error.Message);
    }

    [Fact]
    public async Task Experiment_9_on_a_toy_run_takes_its_boundaries_from_the_exact_judge_and_the_models_own_sae()
    {
        // A model that restarts often, at answers long enough for it: episodes are trials whose second attempt beat the first.
        // Its thresholds lie where short calibration answers hold no whole sentence for the judge, so calibration reads 24.
        const string resisting = "toy-m-sa90";
        var run = await Workbench.Experiments.Get("1").RunAsync(Options("run", maxTokens: 96, model: resisting, calibrationTokens: 24));
        var detectors = _folder.File("detectors.json");
        File.WriteAllText(detectors, $"{{\"off_topic_detectors\": [{File.ReadAllLines(SubjectLatentsOf(resisting))[0]}]}}");

        var result = await Workbench.Experiments.Get("9").RunAsync(
            ["--trials", run.Directory, "--model", resisting, "--annotator", "toy", "--detectors", detectors, "--backtracking-latents", "0", "--out", _folder.File("episodes")]);

        var counts = System.Text.RegularExpressions.Regex.Match(result.Report, @"^(\d+) episodes, (\d+) with valid boundaries");
        Assert.True(int.Parse(counts.Groups[1].Value, CultureInfo.InvariantCulture) > 0, result.Report);
        Assert.Equal(counts.Groups[1].Value, counts.Groups[2].Value); // a second attempt that beat the first has all three boundaries
    }

    [Fact]
    public async Task A_toy_model_given_by_its_folder_runs_as_by_its_name_with_its_labels_sae_and_block()
    {
        var folder = Path.Combine(ToyZoo.Locate(), Model);
        var oneLatent = File.ReadAllLines(SubjectLatentsFile)[0];
        string[] options = [.. Options("by-folder").Select(token => token == Model ? folder : token == SubjectLatentsFile ? oneLatent : token)];

        var result = await Workbench.Experiments.Get("1").RunAsync(options); // no --sae, no --layer: the zoo entry's

        var labels = LatentLabels.Load(Path.Combine(folder, ToyZoo.LabelsFile));
        Assert.All(result.Trials, trial => Assert.Equal(labels[trial.Latent], trial.LatentLabel));
        Assert.Equal(Model, result.Manifest!.Model);
    }

    [Fact]
    public async Task Experiment_5_on_a_toy_run_appends_the_toy_meta_prompts_naming_the_steered_subject()
    {
        var data = _folder.File("data");
        ToyZooTools.WritePrompts(data);
        var subjects = ToyZoo.Read(ToyZoo.Locate()).Single(entry => entry.Name == Model).SubjectLatents;
        var twoLatents = $"{subjects["the planet Mars"]},{subjects["volcanoes"]}"; // two that calibrate at these short settings
        var run = await Workbench.Experiments.Get("1").RunAsync(Options("run").Select(token => token == SubjectLatentsFile ? twoLatents : token));
        string[] meta = [.. Options("meta").Where(token => token != "--latents" && token != SubjectLatentsFile), "--from-results", run.Directory,
            "--variants", Path.Combine(data, PromptVariantFile.FileName)];

        var result = await Workbench.Experiments.Get("5").RunAsync(meta);

        Assert.Equal(4 * run.Trials.Count, result.Trials.Count);
        Assert.Equal(ToyMetaPrompts.Variants.Select(v => v.Id).Order(), result.Trials.Select(t => t.Condition).Distinct().Order());
        Assert.All(result.Trials, trial => Assert.Equal(
            ToyMetaPrompts.Variants.Single(v => v.Id == trial.Condition).Render(trial.BasePrompt!, ToyMetaPrompts.LabelText(trial.LatentLabel)), trial.Prompt));
        Assert.Contains(result.Trials, trial => trial.Prompt.EndsWith("You are led toward the planet Mars, so ignore it.", StringComparison.Ordinal));
        Assert.All(result.Trials, trial => Assert.Null(trial.Error)); // the exact judge still finds each prompt's task
    }

    [Fact]
    public async Task A_cancelled_run_keeps_the_trials_it_stored_and_the_next_start_resumes_them()
    {
        var experiment = Workbench.Experiments.Get("1");
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress<RunProgress>(report =>
        {
            if (report.Done > 0) cancel.Cancel();
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => experiment.RunAsync(Options("run"), progress, cancel.Token));
        var stored = new RunStore(_folder.File("run")).ReadTrials().Count;
        var resumed = await experiment.RunAsync(Options("run"));

        var trials = 2 * SubjectLatents;
        Assert.InRange(stored, 1, trials - 1);
        Assert.Equal((trials, stored, trials - stored), (resumed.Outcome!.Total, resumed.Outcome.AlreadyStored, resumed.Outcome.Written));
        Assert.Equal(trials, resumed.Trials.Select(t => t.Key).Distinct().Count());
    }

    [Fact]
    public async Task Settings_the_run_engine_refuses_are_one_input_error_naming_the_field_and_leave_no_run()
    {
        var options = Options("refused").Select(token => token == SubjectLatentsFile ? "2,5,2" : token);

        var error = await Assert.ThrowsAsync<EsrInputException>(() => Workbench.Experiments.Get("1").RunAsync(options));

        Assert.Equal("latents: latent 2 is listed twice; each latent is steered once", error.Message);
        Assert.False(RunStore.Exists(_folder.File("refused")));
    }
}
