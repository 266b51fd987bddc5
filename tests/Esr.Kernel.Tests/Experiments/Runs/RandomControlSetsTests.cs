using Esr.Kernel.Experiments;
using Esr.Kernel.Experiments.Detectors;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Tests.Experiments.Readouts;
using Esr.Kernel.Tests.Models;

namespace Esr.Kernel.Tests.Experiments.Runs;

/// <summary>Exp 10's random ablation sets read as data: the paper's three, drawn by CPython (ESR_SPEC §6, Exp 10).</summary>
public sealed class RandomControlSetsTests : IDisposable
{
    private readonly TemporaryDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    // The 70B configuration's Exp 10 with the paper's 26 detectors.
    private static ExperimentSettings Paper70B() => ExperimentSettings.ForExperiment("10", PaperConfigurations.Llama70B) with
    {
        AblateLatents = OffTopicDetectorSets.Read(PaperData.File("off_topic_detectors_paper26.json")),
    };

    [Fact]
    public void The_papers_file_gives_three_sets_of_26_that_the_planner_uses_in_order()
    {
        var settings = Paper70B();
        var sets = RandomControlSets.Read(PaperData.File(PaperConfigurations.Llama70B.RandomAblationSetsFile!), settings);
        settings = settings with { RandomAblationLatents = sets, RandomAblationSetsFile = "random_control_sets.json" };

        Assert.Equal(3, sets.Count);
        Assert.All(sets, set => Assert.Equal(26, set.Count));
        // Python: random.seed(42); random.sample(pool, 26) starts 41923, 7297, 1639.
        Assert.Equal([41923, 7297, 1639], sets[0].Take(3));
        Assert.Equal([2526, 18756, 45646], sets[1].Take(3));
        Assert.Equal(sets[2], ExperimentPlanner.RandomAblationSet(settings, 2));
        Assert.NotEqual(ExperimentPlanner.RandomAblationSet(settings with { RandomAblationLatents = null }, 0), ExperimentPlanner.RandomAblationSet(settings, 0));
    }

    [Fact]
    public void The_manifest_says_which_source_the_sets_came_from()
    {
        var drawn = Paper70B();
        var read = drawn with { RandomAblationLatents = [[1], [2], [3]], RandomAblationSetsFile = "random_control_sets.json" };
        var given = read with { RandomAblationSetsFile = null };

        Assert.Contains("drawn by .NET's Random seeded 42+i", RunQuirks.Of(drawn, 0)["random_ablation_sets"]);
        Assert.Contains("read from random_control_sets.json (the paper's sets: CPython random.seed(42 + i), random.sample)", RunQuirks.Of(read, 0)["random_ablation_sets"]);
        Assert.Contains("given in the config", RunQuirks.Of(given, 0)["random_ablation_sets"]);
    }

    [Fact]
    public void A_set_holding_a_detector_is_refused_naming_the_file_and_the_set()
    {
        var path = _folder.File("sets.json");
        var settings = Paper70B() with { AblateLatents = [5, 6], RandomAblationSets = 2 };
        File.WriteAllText(path, """{"sets": [{"seed": 42, "latents": [1, 2]}, {"seed": 43, "latents": [3, 6]}]}""");

        var error = Assert.Throws<InvalidDataException>(() => RandomControlSets.Read(path, settings));

        Assert.Equal($"{path}: sets[1].latents: latent 6 is one of the run's detectors (the sets exclude them)", error.Message);
    }

    [Theory]
    [InlineData("""{"sets": [{"latents": [1, 2]}]}""", "holds 1 sets but the run needs 2")]
    [InlineData("""{"sets": [{"latents": [1, 2]}, {"latents": [3]}]}""", "sets[1].latents holds 1 latents but the run ablates 2 detectors (each set matches their count)")]
    [InlineData("""{"sets": [{"latents": [1, 1]}, {"latents": [3, 4]}]}""", "sets[0].latents repeats a latent")]
    [InlineData("""{"sets": [{"latents": [1, 70000]}, {"latents": [3, 4]}]}""", "sets[0].latents: latent 70000 is outside the SAE (0 to 65535)")]
    [InlineData("""{"sets": [{"latents": [1, "a"]}, {"latents": [3, 4]}]}""", "sets[0].latents holds a value that is not an integer latent")]
    [InlineData("""{"set": []}""", "expected an object with a 'sets' array")]
    public void A_file_that_does_not_fit_the_run_is_one_message_naming_it(string json, string problem)
    {
        var path = _folder.File("sets.json");
        File.WriteAllText(path, json);

        var error = Assert.Throws<InvalidDataException>(() => RandomControlSets.Read(path, Paper70B() with { AblateLatents = [5, 6], RandomAblationSets = 2 }));

        Assert.Equal($"{path}: {problem}", error.Message);
    }
}
