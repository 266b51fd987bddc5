using System.Globalization;
using System.Text.Json.Nodes;
using Esr.Kernel.Experiments.Detectors;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Results;
using Esr.Kernel.Toy;
using Esr.Kernel.Tests.Models;
using Esr.Kernel.Tests.Toy;

namespace Esr.Kernel.Tests;

/// <summary>The toy zoo's tasks through the facade, on the committed zoo.</summary>
public sealed class ToyZooToolsTests
{
    [Fact]
    public void The_listing_is_the_committed_zoo_json()
    {
        Assert.Equal(ToyZoo.Read(ToyZoo.Locate()).Select(entry => entry.Name), ToyZooTools.List().Select(entry => entry.Name));
        using var empty = new TemporaryDirectory();
        Assert.Contains(empty.Path, Assert.ThrowsAny<EsrInputException>(() => ToyZooTools.List(empty.Path)).Message);
    }

    [Fact]
    public void Jobs_split_the_sizes_by_their_work_largest_first_and_keep_the_recipes_order_within_a_job()
    {
        Assert.Equal([["m"], ["s", "l"]], ToyZooTools.PlanJobs(2));
        Assert.Equal([["s", "m", "l"]], ToyZooTools.PlanJobs(1));
        Assert.Equal([["m"], ["l"], ["s"]], ToyZooTools.PlanJobs(5)); // never more jobs than sizes
        Assert.Equal([["l"], ["s"]], ToyZooTools.PlanJobs(2, ["l", "s"]));
        Assert.Equal("--jobs 0: expected 1 or more", Assert.Throws<EsrInputException>(() => ToyZooTools.PlanJobs(0)).Message);
        Assert.StartsWith("--size xl: no such size", Assert.Throws<EsrInputException>(() => ToyZooTools.PlanJobs(2, ["xl"])).Message);
    }

    [Fact]
    public void Parts_built_apart_are_gathered_into_one_zoo_in_the_recipes_size_order()
    {
        using var zoo = new TemporaryDirectory();
        ToyZooEntry Entry(string name, string size) =>
            new(name, size, 1, 0, false, $"toy-{size}-base", 0, new(0.1, 16, 0, 100), 1, new Dictionary<string, int>(), 0.5, 1);
        string Part(string folder, params ToyZooEntry[] entries)
        {
            var part = Path.Combine(zoo.Path, folder);
            foreach (var entry in entries) File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(part, entry.Name)).FullName, "config.json"), entry.Name);
            ToyZoo.Write(part, entries);
            return part;
        }
        var stale = Directory.CreateDirectory(Path.Combine(zoo.Path, "toy-m-base")).FullName;
        File.WriteAllText(Path.Combine(stale, "old.txt"), "from an earlier build");
        string[] parts = [Part(".part-1", Entry("toy-l-base", "l"), Entry("toy-s-base", "s"), Entry("toy-s-sa60", "s")), Part(".part-2", Entry("toy-m-base", "m"))];

        var entries = ToyZooTools.Combine(zoo.Path, parts);

        string[] order = ["toy-s-base", "toy-s-sa60", "toy-m-base", "toy-l-base"];
        Assert.Equal(order, entries.Select(entry => entry.Name));
        Assert.Equal(order, ToyZoo.Read(zoo.Path).Select(entry => entry.Name));
        Assert.All(order, name => Assert.Equal(name, File.ReadAllText(Path.Combine(zoo.Path, name, "config.json"))));
        Assert.False(File.Exists(Path.Combine(stale, "old.txt"))); // a model folder is replaced, not merged
        Assert.All(parts, part => Assert.False(Directory.Exists(part)));
    }

    [Fact]
    public void Written_prompts_are_one_line_per_task_without_a_trailing_newline_beside_the_toy_meta_prompts()
    {
        using var folder = new TemporaryDirectory();

        var (path, count) = ToyZooTools.WritePrompts(Path.Combine(folder.Path, "data"));

        var text = File.ReadAllText(path);
        Assert.Equal(ToyWorld.Default.ExperimentPrompts(), text.Split('\n'));
        Assert.Equal(ToyWorld.Default.ExperimentPrompts().Count, count);
        Assert.False(text.EndsWith('\n'));
        var variants = Path.Combine(folder.Path, "data", PromptVariantFile.FileName);
        Assert.Equal(ToyMetaPrompts.Variants, PromptVariantFile.Read(variants));
        Assert.Contains("\"display\": \"Meta-prompted (self_monitor)\"", File.ReadAllText(variants));
    }

    [Fact]
    public void An_unknown_size_or_model_and_a_missing_device_are_refused_before_any_work()
    {
        using var folder = new TemporaryDirectory();

        Assert.Equal("--size xl: no such size (expected s, m, l)",
            Assert.Throws<EsrInputException>(() => ToyZooTools.Build(folder.Path, ["m", "xl"])).Message);
        Assert.Equal("--recipe 'fluent': no such recipe (expected default, first or quiet-detectors)",
            Assert.Throws<EsrInputException>(() => ToyZooTools.Build(folder.Path, recipe: "fluent")).Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
        Assert.StartsWith("--model toy-xl-base: not in the zoo at",
            Assert.Throws<EsrInputException>(() => ToyZooTools.MeasureAsync(new ToyMeasureSettings { Models = ["toy-xl-base"] })).Message);
        Assert.StartsWith("device 'cuda': no CUDA device in this build",
            Assert.Throws<EsrInputException>(() => ToyZooTools.MeasureAsync(new ToyMeasureSettings { Models = ["toy-s-base"], Device = "cuda" })).Message);
    }

    [Fact]
    public async Task Measuring_a_model_gives_the_unsteered_row_the_calibrated_row_and_the_boosts_asked_for()
    {
        var rows = await Measure(new ToyMeasureSettings { Models = ["toy-s-base"], Prompts = 2, MaxTokens = 24, Boosts = [3] });

        Assert.Equal([0.0, 3.0], new[] { rows[0].Result.BoostInNorms, rows[2].Result.BoostInNorms });
        Assert.Equal([false, true, false], rows.Select(row => row.Calibrated));
        Assert.All(rows, row => Assert.Equal("toy-s-base", row.Model));
        Assert.All(rows, row => Assert.Equal(2, row.Result.Summary.Included));
    }

    [Fact]
    public async Task Detectors_of_a_run_are_written_in_the_detector_format_that_experiment_3_ablates()
    {
        using var folder = new TemporaryDirectory();
        var run = await DetectorRunAsync(folder, "run");
        var file = folder.File("detectors.json");

        var result = ToyZooTools.FindDetectors(new ToyDetectorSettings { Model = "toy-s-sa60", FromResults = run, Out = file, Rule = new ToyDetectorRule(0, 3) }); // the three most separating latents, whatever the zoo

        var json = JsonNode.Parse(File.ReadAllText(file))!;
        var latents = result.Detectors.Select(d => d.Latent).ToArray();
        Assert.Equal(3, latents.Length);
        Assert.Equal(latents, OffTopicDetectorSets.Read(file));
        Assert.Equal(latents.Select(l => l.ToString(CultureInfo.InvariantCulture)), json["detector_stats"]!.AsObject().Select(stats => stats.Key));
        Assert.Equal(result.Detectors[0].Auc, json["detector_stats"]![latents[0].ToString(CultureInfo.InvariantCulture)]!["auc"]!.GetValue<double>());
        Assert.Equal(("toy-separability", "toy-s-sa60", 2, ToyDetectorTrials.OffTopicTokens, ToyDetectorTrials.OnTaskTokens),
            (json["method"]!.GetValue<string>(), json["model_name"]!.GetValue<string>(), json["trials"]!.GetValue<int>(),
                json["off_topic_tokens"]!.GetValue<int>(), json["on_task_tokens"]!.GetValue<int>()));
        Assert.EndsWith("at blocks.0.resid_post", json["sae"]!.GetValue<string>()); // toy-s-sa60's own SAE block, as the run records none
    }

    [Fact]
    public async Task Detectors_need_a_run_with_steered_trials_and_an_sae_and_name_what_is_missing()
    {
        using var folder = new TemporaryDirectory();
        var run = await DetectorRunAsync(folder, "run");
        var unsteered = await DetectorRunAsync(folder, "unsteered", t => t with { Boost = 0 });
        var file = folder.File("detectors.json");
        string Refused(string model, string results) =>
            Assert.Throws<EsrInputException>(() => ToyZooTools.FindDetectors(new ToyDetectorSettings { Model = model, FromResults = results, Out = file })).Message;

        Assert.Equal($"--from-results {folder.Path}: the folder holds no run (trials.jsonl)", Refused("toy-s-sa60", folder.Path));
        Assert.Equal($"--from-results {unsteered}: none of its 4 trials was steered (boost ≠ 0) without an error", Refused("toy-s-sa60", unsteered));
        Assert.StartsWith($"--sae '{folder.File("sae")}': no such SAE file or folder", Refused(folder.Path, run));
        Assert.False(File.Exists(file));
    }

    // A run folder holding the detector test trials, each changed by `change` when given.
    private static async Task<string> DetectorRunAsync(TemporaryDirectory folder, string name, Func<TrialRecord, TrialRecord>? change = null)
    {
        var store = new RunStore(folder.File(name));
        await store.AppendAsync(ToyDetectorTrials.All().Select(change ?? (t => t)).ToArray());
        return store.Directory;
    }

    private static async Task<List<ToyMeasurement>> Measure(ToyMeasureSettings settings)
    {
        var rows = new List<ToyMeasurement>();
        await foreach (var row in ToyZooTools.MeasureAsync(settings)) rows.Add(row);
        return rows;
    }
}
