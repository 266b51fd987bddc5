using Esr.Kernel.Analysis;
using Esr.Kernel.Judging;
using Esr.Kernel.Results;

namespace Esr.Kernel.Tests.Experiments;

public sealed class TrialRecordTests
{
    private static TrialRecord Trial(JudgeVerdict? verdict, string? error = null) =>
        new("k", 1, "toy", "steered", 7, "cats", "Explain how to bake bread.", 2.5, 2.5, 42, "Cats purr. Wait.", verdict, error)
        { Judge = "exact" };

    [Fact]
    public void A_graded_trial_carries_the_grouping_keys()
    {
        var graded = Trial(new JudgeVerdict([new Attempt("a", 10), new Attempt("b", 80)], "raw", null)).ToGradedTrial();

        Assert.Equal(new double[] { 10, 80 }, graded.IncludedScores());
        Assert.Equal("toy", graded.Keys["model"]);
        Assert.Equal("steered", graded.Keys["condition"]);
        Assert.Equal("7", graded.Keys["latent"]);
        Assert.Equal("2.5", graded.Keys["boost"]);
        Assert.Equal("exact", graded.Keys["judge"]);
    }

    [Fact]
    public void A_judge_error_or_a_trial_error_excludes_the_trial_from_the_metrics()
    {
        var judgeFailed = Trial(new JudgeVerdict(null, "raw", "no <json> tags")).ToGradedTrial();
        var generationFailed = Trial(null, "out of memory").ToGradedTrial();

        Assert.Null(judgeFailed.IncludedScores());
        Assert.Equal("no <json> tags", judgeFailed.Error);
        Assert.Null(generationFailed.IncludedScores());
        Assert.Equal(0, EsrMetrics.Summarize([judgeFailed, generationFailed]).Included);
    }
}
