using Esr.Kernel.Experiments.Runs;

namespace Esr.Kernel.Tests.Experiments.Runs;

public class MatchedRandomSetsTests
{
    // Latent i fires at rate i / 100, so a latent's nearest ten by rate are its five neighbours on either side.
    private static readonly double[] Rates = Enumerable.Range(0, 100).Select(i => i / 100.0).ToArray();

    [Fact]
    public void Each_stand_in_is_among_the_ten_latents_nearest_its_detector_in_firing_rate()
    {
        int[] detectors = [10, 50, 90];

        var sets = MatchedRandomSets.Draw(Rates, detectors, 3, 42);

        Assert.Equal(3, sets.Count);
        foreach (var set in sets)
        {
            Assert.Equal(detectors.Length, set.Count);
            Assert.Empty(set.Intersect(detectors));
            // Uniform draws over 97 latents would leave this band in nearly every set.
            Assert.All(set.Zip(detectors), pair => Assert.InRange(Math.Abs(pair.First - pair.Second), 1, 5));
        }
    }

    [Fact]
    public void Detectors_of_one_rate_get_distinct_stand_ins_and_a_seed_repeats_its_sets()
    {
        var rates = Enumerable.Repeat(0.0, 40).Concat(Enumerable.Repeat(0.5, 20)).ToArray();
        int[] detectors = [45, 46, 47, 48, 49];

        var sets = MatchedRandomSets.Draw(rates, detectors, 2, 7);

        Assert.All(sets, set => Assert.Equal(5, set.Distinct().Count()));
        Assert.All(sets.SelectMany(s => s), latent => Assert.InRange(latent, 40, 59)); // the other latents of rate 0.5
        Assert.Empty(sets.SelectMany(s => s).Intersect(detectors));
        Assert.Equal(sets, MatchedRandomSets.Draw(rates, detectors, 2, 7));
        Assert.NotEqual(sets[0], sets[1]); // each set has its own seed
    }

    [Fact]
    public void A_detector_outside_the_rates_or_too_few_latents_left_is_refused()
    {
        Assert.Contains("detector 100", Assert.Throws<ArgumentException>(() => MatchedRandomSets.Draw(Rates, [3, 100], 1, 42)).Message);
        Assert.Contains("too few", Assert.Throws<ArgumentException>(() => MatchedRandomSets.Draw(Rates.Take(5).ToArray(), [0, 1, 2], 1, 42)).Message);
    }
}
