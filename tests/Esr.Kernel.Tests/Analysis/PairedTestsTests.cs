using Esr.Kernel.Analysis;

namespace Esr.Kernel.Tests.Analysis;

public class PairedTestsTests
{
    [Fact]
    public void Wilcoxon_without_ties_or_zeros_uses_the_exact_distribution()
    {
        // Differences 1, 2, -3, 4: ranks 1..4, T+ = 1 + 2 + 4 = 7. Of the 16 sign patterns, 5 reach a positive-rank
        // sum >= 7 (sums 7, 7, 8, 9, 10), so p = 5/16 (SciPy: statistic 7, p 0.3125).
        var result = PairedTests.WilcoxonGreater([3, 4, 4, 9], [2, 2, 7, 5]);

        Assert.Equal(7, result.Statistic);
        Assert.Equal(5.0 / 16, result.PValue, 12);
    }

    [Fact]
    public void Wilcoxon_drops_zero_differences_and_then_approximates_or_enumerates_sign_flips()
    {
        // Differences 0, 1, 2, -3, 4: the zero is dropped (T+ = 7 over n = 4). By default a zero rules the exact
        // distribution out: mean 5, variance 4·5·9/24 = 7.5, z = 2/√7.5, p = 1 − Φ(z) = 0.2326044. Enumerating the
        // 16 sign flips of ranks 1..4 instead gives 5/16.
        double[] x = [5, 3, 4, 1, 9], y = [5, 2, 2, 4, 5];

        var normal = PairedTests.WilcoxonGreater(x, y);
        var flips = PairedTests.WilcoxonGreater(x, y, WilcoxonMethod.SmallSamplePermutation);

        Assert.Equal(7, normal.Statistic);
        Assert.Equal(0.23260440922607087, normal.PValue, 9);
        Assert.Equal(new TestResult(7, 5.0 / 16), flips);
    }

    [Fact]
    public void Wilcoxon_with_tied_magnitudes_uses_the_normal_approximation_with_the_tie_correction()
    {
        // Differences 1, 1, 2, -2, 3: average ranks 1.5, 1.5, 3.5, 3.5, 5; T+ = 11.5; mean 7.5;
        // variance 5·6·11/24 − (6 + 6)/48 = 13.5; z = 4/√13.5 = 1.088662; p = 1 − Φ(z) = 0.1381515.
        var result = PairedTests.WilcoxonGreater([2, 2, 4, 0, 3], [1, 1, 2, 2, 0]);

        Assert.Equal(11.5, result.Statistic);
        Assert.Equal(0.13815145866874176, result.PValue, 9);
        // Sign flips: T+ >= 11.5 iff the ranks left out sum to <= 3.5: {}, {1.5}, {1.5'}, {1.5, 1.5'}, {3.5}, {3.5'}.
        Assert.Equal(6.0 / 32, PairedTests.WilcoxonGreater([2, 2, 4, 0, 3], [1, 1, 2, 2, 0], WilcoxonMethod.SmallSamplePermutation).PValue, 12);
    }

    [Fact]
    public void Wilcoxon_and_the_paired_t_test_report_statistic_0_and_p_1_for_unequal_lengths()
    {
        Assert.Equal(PairedTests.Failed, PairedTests.WilcoxonGreater([1, 2, 3], [1, 2]));
        Assert.Equal(PairedTests.Failed, PairedTests.PairedTOneTailed([1, 2, 3], [1, 2]));
        Assert.Equal(PairedTests.Failed, PairedTests.WilcoxonGreater([1, 2], [1, 2]));
    }

    [Fact]
    public void Paired_t_halves_the_two_sided_p_value()
    {
        // d = 2, 3, 2, 3: mean 2.5, SD √(1/3), t = 2.5/(√(1/3)/2) = 8.660254 with 3 df; one-tailed p from the
        // closed-form t(3) CDF, 1/2 + (θ + sin θ cos θ)/π with θ = atan(t/√3): 0.00161952.
        var result = PairedTests.PairedTOneTailed([3, 5, 4, 6], [1, 2, 2, 3]);

        Assert.Equal(8.660254037844387, result.Statistic, 9);
        Assert.Equal(0.0016195185382721355, result.PValue, 9);
    }

    [Fact]
    public void Paired_t_does_not_check_the_sign_of_t()
    {
        var result = PairedTests.PairedTOneTailed([1, 2, 2, 3], [3, 5, 4, 6]);

        Assert.Equal(-8.660254037844387, result.Statistic, 9);
        Assert.Equal(0.0016195185382721355, result.PValue, 9);
    }

    [Fact]
    public void Cohens_d_divides_the_mean_difference_by_the_pooled_sample_sd()
    {
        // Means 2 and 3; sums of squares 2 and 2; pooled SD √(4/3); d = −1/√(4/3) = −0.8660254.
        Assert.Equal(-0.8660254037844386, PairedTests.CohensD([1, 2, 3], [2, 4]), 12);
        Assert.Equal(0, PairedTests.CohensD([1, 1], [1, 1]));
        Assert.Equal(0, PairedTests.CohensD([], [1, 2]));
    }

    [Fact]
    public void Cliffs_delta_counts_dominating_pairs()
    {
        // Pairs (a, b): 1<2, 1<4, 2=2, 2<4, 3>2, 3<4 → (1 − 4)/6.
        Assert.Equal(-0.5, PairedTests.CliffsDelta([1, 2, 3], [2, 4]), 12);
        Assert.Equal(1, PairedTests.CliffsDelta([5, 6], [1, 2]));
    }

    [Fact]
    public void Population_sd_and_median_follow_numpy()
    {
        Assert.Equal(Math.Sqrt(1.25), PairedTests.PopulationSd([1, 2, 3, 4]), 12);
        Assert.Equal(2.5, PairedTests.Median([4, 1, 3, 2]));
        Assert.Equal(3, PairedTests.Median([5, 1, 3]));
    }
}
