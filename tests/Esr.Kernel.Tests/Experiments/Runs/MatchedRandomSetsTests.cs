using Esr.Kernel.Experiments.Runs;

namespace Esr.Kernel.Tests.Experiments.Runs;

public class MatchedRandomSetsTests
{
    // Latent i fires at rate i / 100, so a latent's nearest ten by rate are its five neighbours on either side (six or
    // seven once earlier sets took some).
    private static readonly double[] Rates = Enumerable.Range(0, 100).Select(i => i / 100.0).ToArray();

    [Fact]
    public void Each_stand_in_is_among_the_ten_unused_latents_nearest_its_detector_in_firing_rate_and_no_latent_is_in_two_sets()
    {
        int[] detectors = [10, 50, 90];

        var sets = MatchedRandomSets.Draw(Rates, detectors, 3, 42);

        Assert.Equal(3, sets.Count);
        foreach (var set in sets)
        {
            Assert.Equal(detectors.Length, set.Count);
            Assert.Empty(set.Intersect(detectors));
            // Uniform draws over 97 latents would leave this band in nearly every set.
            Assert.All(set.Zip(detectors), pair => Assert.InRange(Math.Abs(pair.First - pair.Second), 1, 7));
        }
        Assert.Equal(9, sets.SelectMany(set => set).Distinct().Count());
    }

    [Fact]
    public void Detectors_of_one_rate_get_distinct_stand_ins_and_a_seed_repeats_its_sets()
    {
        var rates = Enumerable.Repeat(0.0, 40).Concat(Enumerable.Repeat(0.5, 30)).ToArray();
        int[] detectors = [45, 46, 47, 48, 49];

        var sets = MatchedRandomSets.Draw(rates, detectors, 2, 7);

        Assert.Equal(10, sets.SelectMany(s => s).Distinct().Count());
        Assert.All(sets.SelectMany(s => s), latent => Assert.InRange(latent, 40, 69)); // the other latents of rate 0.5
        Assert.Empty(sets.SelectMany(s => s).Intersect(detectors));
        Assert.Equal(sets, MatchedRandomSets.Draw(rates, detectors, 2, 7));
        Assert.NotEqual(sets, MatchedRandomSets.Draw(rates, detectors, 2, 8)); // the seed chooses among the nearest
    }

    [Fact]
    public void The_report_gives_each_latents_rate_and_the_means_of_the_detectors_and_of_each_set()
    {
        IReadOnlyList<IReadOnlyList<int>> sets = [[11, 49], [12, 52]];

        var report = MatchedRandomSets.Report("runs/exp8", Rates, [10, 50], sets);

        Assert.Equal(("runs/exp8", 10), (report["matched_to"]!.GetValue<string>(), report["neighbours"]!.GetValue<int>()));
        Assert.Equal(0.30, report["detectors_mean_firing_rate"]!.GetValue<double>(), 12);
        Assert.Equal([0.30, 0.32], report["sets_mean_firing_rate"]!.AsArray().Select(r => Math.Round(r!.GetValue<double>(), 12)));
        Assert.Equal((52, 0.52), (report["sets"]![1]![1]!["latent"]!.GetValue<int>(), report["sets"]![1]![1]!["firing_rate"]!.GetValue<double>()));
    }

    [Fact]
    public void A_detector_outside_the_rates_or_too_few_latents_left_is_refused()
    {
        Assert.Contains("detector 100", Assert.Throws<ArgumentException>(() => MatchedRandomSets.Draw(Rates, [3, 100], 1, 42)).Message);
        Assert.Contains("too few", Assert.Throws<ArgumentException>(() => MatchedRandomSets.Draw(Rates.Take(8).ToArray(), [0, 1, 2], 2, 42)).Message);
        Assert.Equal(2, MatchedRandomSets.Draw(Rates.Take(9).ToArray(), [0, 1, 2], 2, 42).Count);
    }
}
