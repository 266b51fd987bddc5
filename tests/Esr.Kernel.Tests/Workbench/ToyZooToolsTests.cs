using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Toy;
using Esr.Kernel.Tests.Models;

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
        Assert.Equal("--recipe 'fluent': no such recipe (expected default or coherent)",
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

    private static async Task<List<ToyMeasurement>> Measure(ToyMeasureSettings settings)
    {
        var rows = new List<ToyMeasurement>();
        await foreach (var row in ToyZooTools.MeasureAsync(settings)) rows.Add(row);
        return rows;
    }
}
