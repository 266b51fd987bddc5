using Esr.Kernel.Analysis;
using Esr.Kernel.Experiments.Episodes;

namespace Esr.Kernel.Tests.Experiments.Readouts;

public class RegionStatisticsTests
{
    // Six tokens; off-topic [1, 3), correction [3, 4), on-topic [4, 6).
    private static EpisodeActivations Episode(string id, float[] latent1, int off = 1, int correction = 3, int on = 4) =>
        new(new Episode(id, Trials.Make(1, 1, null), 0, 50, "", ""), BoundaryAnnotation.Failed(null, "test"),
            Enumerable.Repeat("t", latent1.Length).ToList(), 0, off, correction, on,
            new Dictionary<int, float[]> { [1] = latent1, [2] = new float[latent1.Length] });

    private static readonly EpisodeActivations[] Three =
    [
        Episode("a", [9, 0.5f, 1.0f, 2, 0.25f, 0.25f]),   // off 0.75, correction 2, on 0.25
        Episode("b", [9, 1.5f, 1.5f, 4, 0.5f, 0.0f]),     // off 1.5,  correction 4, on 0.25
        Episode("c", [9, 0.0f, 0.5f, 6, 1.0f, 0.5f]),     // off 0.25, correction 6, on 0.75
    ];

    [Fact]
    public void A_latents_region_statistics_match_hand_computed_values()
    {
        var stats = RegionStatistics.ForLatent(Three, 1)!;

        Assert.Equal(0.8333333333333334, stats.OffTopic.Mean, 12);
        Assert.Equal(0.5137011669140814, stats.OffTopic.Sd, 12); // population SD
        Assert.Equal(0.75, stats.OffTopic.Median);
        Assert.Equal((3, 3, 100.0), (stats.OffTopic.Episodes, stats.OffTopic.EpisodesAbove, stats.OffTopic.PercentAbove));
        Assert.Equal(4, stats.Correction.Mean, 12);
        Assert.Equal(0.25, stats.OnTopic.Median);
        // d = 0.5, 1.25, −0.5: tied magnitudes → normal approximation, T+ = 4.5, variance 3.375, p = 0.2071081.
        Assert.Equal(4.5, stats.Wilcoxon.Statistic);
        Assert.Equal(0.20710808912126258, stats.Wilcoxon.PValue, 9);
        // t = 0.8219949 with 2 df; one-tailed p = 1/2 − t/(2√(2 + t²)) = 0.2487405.
        Assert.Equal(0.8219949365267865, stats.TTest.Statistic, 9);
        Assert.Equal(0.24874054618519698, stats.TTest.PValue, 9);
        Assert.Equal(0.8512565307587485, stats.CohensD, 9);
        Assert.Equal(4.0 / 9, stats.CliffsDelta, 12);
    }

    [Fact]
    public void Group_statistics_test_the_latent_level_means()
    {
        var (group, latents) = RegionStatistics.ForGroup(Three, [1, 2]);

        Assert.Equal(2, latents.Count);
        Assert.Equal((2, 2), (group.LatentCount, group.LatentsWithStats));
        Assert.Equal(2.5 / 6, group.OffTopicMean, 12);  // latent means 0.8333 and 0
        Assert.Equal(2.5 / 6, group.OffTopicSd, 12);
        Assert.Equal(2, group.CorrectionMean, 12);
        // Latent-level differences 0.41667 and 0: the zero is dropped and rules the exact distribution out; one
        // positive rank, mean 1/2, variance 1/4, z = 1, p = 1 − Φ(1) = 0.1586553. Enumerating sign flips: 1/2.
        Assert.Equal(1, group.Wilcoxon.Statistic);
        Assert.Equal(0.15865525393145707, group.Wilcoxon.PValue, 9);
        Assert.Equal(new TestResult(1, 0.5), RegionStatistics.ForGroup(Three, [1, 2], WilcoxonMethod.SmallSamplePermutation).Group.Wilcoxon);
        // d = 0.41667, 0: t = 1 with 1 df (Cauchy), one-tailed p = 1/4.
        Assert.Equal(1, group.TTest.Statistic, 12);
        Assert.Equal(0.25, group.TTest.PValue, 12);
        Assert.Equal(1 / Math.Sqrt(5), group.CohensD, 12);
    }

    [Fact]
    public void Empty_regions_are_skipped_and_a_latent_needs_two_values_on_each_side()
    {
        // The second episode's off-topic region is empty (off = correction): 1 off-topic value, no statistics.
        EpisodeActivations[] episodes = [Three[0], Episode("d", [1, 1, 1, 1, 1, 1], off: 3, correction: 3, on: 4)];
        Assert.Null(RegionStatistics.ForLatent(episodes, 1));

        // Three off-topic values but four on-topic ones: the paired tests fail and report statistic 0, p 1.
        var unequal = RegionStatistics.ForLatent([.. Three, Episode("e", [1, 1, 1, 1, 1, 1], off: 2, correction: 2, on: 4)], 1)!;
        Assert.Equal((3, 4), (unequal.OffTopic.Episodes, unequal.OnTopic.Episodes));
        Assert.Equal(PairedTests.Failed, unequal.Wilcoxon);
        Assert.Equal(PairedTests.Failed, unequal.TTest);
    }

    [Fact]
    public void The_overlay_window_zero_fills_outside_the_sequence_and_smooths_with_a_centred_mean()
    {
        EpisodeActivations[] episodes =
        [
            Episode("a", [1, 2, 3, 4, 5, 6], correction: 1),
            Episode("b", [2, 2, 2, 2, 2, 2], correction: 5),
            Episode("c", [7, 7, 7, 7, 7, 7], correction: -1, on: -1), // no correction token: left out
        ];

        var frame = AlignedOverlay.Build(episodes, [("one", [1])], before: 2, after: 2);

        // Offsets −2..1: episode a gives 0 (outside), 1, 2, 3; episode b gives 2, 2, 2, 0 (outside).
        Assert.Equal([-2, -1, 0, 1], Enumerable.Range(0, 4).Select(i => (int)frame["offset"][i]!));
        Assert.Equal([1.0, 1.5, 2.0, 1.5], Enumerable.Range(0, 4).Select(i => (double)frame["one_mean"][i]!));
        Assert.Equal([1.0, 0.5, 0.0, 1.5], Enumerable.Range(0, 4).Select(i => (double)frame["one_sd"][i]!));
        Assert.Equal(1.5 / Math.Sqrt(2), (double)frame["one_sem"][3]!, 12);
        Assert.Equal(2, (int)frame["n_episodes"][0]!);
        Assert.Equal([1.2, 2.0, 3.0, 2.8, 2.4], AlignedOverlay.MovingAverage([1, 2, 3, 4, 5], 5), new ToleranceComparer(1e-12));
        Assert.Equal(3.0, AlignedOverlay.MedianCorrectionLength(episodes[..2])); // on − correction: 3, and −1 which is left out
        Assert.Equal(20.0, AlignedOverlay.MedianCorrectionLength(episodes[1..2]));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
