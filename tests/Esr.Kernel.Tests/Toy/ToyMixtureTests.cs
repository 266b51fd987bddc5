using Esr.Kernel.Toy;

namespace Esr.Kernel.Tests.Toy;

/// <summary><see cref="ToyMixture"/>: presets and exact apportioning.</summary>
public sealed class ToyMixtureTests
{
    [Fact]
    public void The_base_mixture_is_70_percent_normal_and_30_percent_subject_answers()
    {
        Assert.Equal([700, 300, 0, 0], ToyMixture.Base.Counts(1000));
    }

    [Fact]
    public void Drift_in_the_base_mixture_is_taken_from_the_normal_answers()
    {
        Assert.Equal([650, 300, 0, 50], ToyMixture.BaseWithDrift(0.05).Counts(1000));
        Assert.Throws<ArgumentOutOfRangeException>(() => ToyMixture.BaseWithDrift(0.8));
    }

    [Fact]
    public void A_self_correction_ratio_splits_the_task_episodes_and_keeps_the_subject_answers()
    {
        // 30 % of the 70 % task share: 21 % corrections, 49 % normal.
        Assert.Equal([490, 300, 210, 0], ToyMixture.SelfCorrection(0.3).Counts(1000));
        Assert.Equal([0, 300, 700, 0], ToyMixture.SelfCorrection(1).Counts(1000));
    }

    [Fact]
    public void Rounding_hands_the_leftover_episodes_to_the_largest_remainders()
    {
        // 10 × (0.25, 0.25, 0.25, 0.25) = 2.5 each: floors 2, two leftovers go to the first two kinds.
        Assert.Equal([3, 3, 2, 2], new ToyMixture(0.25, 0.25, 0.25, 0.25).Counts(10));
        // 7 × (0.5, 0.3, 0.15, 0.05) = 3.5, 2.1, 1.05, 0.35: floors 3, 2, 1, 0; the one leftover goes to 0.5.
        Assert.Equal([4, 2, 1, 0], new ToyMixture(0.5, 0.3, 0.15, 0.05).Counts(7));
    }

    [Fact]
    public void Shares_that_do_not_add_up_to_one_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new ToyMixture(0.5, 0.3, 0, 0).Counts(10));
        Assert.Throws<ArgumentException>(() => new ToyMixture(1.2, -0.2, 0, 0).Counts(10));
        Assert.Throws<ArgumentOutOfRangeException>(() => ToyMixture.SelfCorrection(1.5));
    }
}
