using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Results;

namespace Esr.Kernel.Tests.Experiments.Runs;

/// <summary>A run used as another's source gives the same plan whatever order its trials were stored in.</summary>
public sealed class SourceTrialOrderTests
{
    private static TrialRecord Stored(string key, string prompt) =>
        new(key, 1, "toy", "steered", 7, "l7", prompt, 2.5, 2.5, 42, "r", null, null);

    [Fact]
    public async Task A_latents_prompts_follow_its_source_runs_keys_not_the_order_they_finished_in()
    {
        // Stored as they finished: p10 and p2 before p0 (a string sort would put p10 before p2).
        TrialRecord[] finished = [Stored("steered|7|p10", "ten"), Stored("steered|7|p2", "two"), Stored("steered|7|p0", "zero"), Stored("steered|7|p1", "one")];
        var settings = ExperimentSettings.ForExperiment("5") with { Model = "toy" };

        var plan = await ExperimentPlanner.PlanAsync(settings, new PlanInputs(1, ["unused"], l => $"l{l}", finished, null));

        // Each variant appends its sentence to the source prompt.
        Assert.All(plan.Latents, latent => Assert.Equal(["zero", "one", "two", "ten"], latent.Prompts.Select(p => p.Prompt.Split(' ')[0])));
    }

    [Theory]
    [InlineData("steered|7|p3", 3, 0)]
    [InlineData("steered|7|p3|b9", 3, 9)]
    [InlineData("ablation_set_1|12|p0", 0, 0)]
    [InlineData("x.json|seed 5|7580", int.MaxValue, int.MaxValue)]
    public void Run_keys_give_their_place_and_other_keys_the_last(string key, int prompt, int level) =>
        Assert.Equal((prompt, level), RunPlan.PromptIndexOf(key));
}
