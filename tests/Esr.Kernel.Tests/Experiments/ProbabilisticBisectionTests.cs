using Esr.Kernel.Experiments;

namespace Esr.Kernel.Tests.Experiments;

public class ProbabilisticBisectionTests
{
    [Theory]
    // Integer parameters have closed forms: I_x(1, 5) = 1 − (1 − x)^5; I_x(2, 4) = 1 − (1−x)^5 − 5x(1−x)^4;
    // I_x(3, 3) = 10x³(1−x)² + 5x⁴(1−x) + x⁵; I_x(0.5, 0.5) = (2/π)·asin(sqrt(x)).
    [InlineData(0.3, 1, 5)]
    [InlineData(0.3, 2, 4)]
    [InlineData(0.3, 3, 3)]
    [InlineData(0.8, 3, 3)]
    [InlineData(0.3, 0.5, 0.5)]
    [InlineData(0.97, 1, 5)]
    public void Beta_cdf_matches_closed_forms(double x, double a, double b)
    {
        double expected = (a, b) switch
        {
            (1, 5) => 1 - Math.Pow(1 - x, 5),
            (2, 4) => 1 - Math.Pow(1 - x, 5) - 5 * x * Math.Pow(1 - x, 4),
            (3, 3) => 10 * Math.Pow(x, 3) * Math.Pow(1 - x, 2) + 5 * Math.Pow(x, 4) * (1 - x) + Math.Pow(x, 5),
            _ => 2 / Math.PI * Math.Asin(Math.Sqrt(x)),
        };
        Assert.Equal(expected, BetaDistribution.Cdf(x, a, b), 12);
    }

    [Fact]
    public void The_default_grid_has_ten_thousand_points_from_lower_to_upper()
    {
        var bisection = new ProbabilisticBisection(ThresholdSearchSettings.Llama8B);
        Assert.Equal(10_000, bisection.Grid.Count);
        Assert.Equal(0, bisection.Grid[0]);
        Assert.Equal(50, bisection.Grid[^1]);
    }

    [Fact]
    public void One_update_step_matches_the_hand_computation()
    {
        // Grid 0, 1, 2, 3, 4; prior N(2, 1) → weights ∝ e^-2, e^-0.5, 1, e^-0.5, e^-2 (sum Z = 2.483732).
        // Cumulative at 1: (e^-2 + e^-0.5)/Z = 0.2987 < 0.5; at 2: 0.7013 → first median 2.
        var settings = new ThresholdSearchSettings(Target: 0.3, Lower: 0, Upper: 4, PriorMean: 2, PriorStd: 1, GridSize: 5);
        var bisection = new ProbabilisticBisection(settings);
        Assert.Equal(2, bisection.Median());

        // Score 0.1 < 0.3 → direction −1 (threshold lies below). α = 0.5 + 5·0.1 = 1, β = 0.5 + 5·0.9 = 5,
        // P_below = I_0.3(1, 5) = 1 − 0.7^5 = 0.83193 ≥ 0.5, so p = 0.83193, q = 1 − p = 0.7^5 = 0.16807.
        var step = bisection.Update(2, 0.1);
        double p = 1 - Math.Pow(0.7, 5), q = Math.Pow(0.7, 5);
        Assert.Equal(-1, step.Direction);
        Assert.Equal(p, step.Confidence, 12);

        // Left of the scored point × p, the point itself × sqrt(p·q), right × q:
        // 0.112590, 0.504591, 0.373929, 0.101940, 0.022746 (sum 1.115796).
        double[] weights = [Math.Exp(-2) * p, Math.Exp(-0.5) * p, Math.Sqrt(p * q), Math.Exp(-0.5) * q, Math.Exp(-2) * q];
        double sum = weights.Sum();
        var posterior = bisection.Posterior();
        for (int j = 0; j < 5; j++) Assert.Equal(weights[j] / sum, posterior[j], 12);

        // Cumulative 0.1009, 0.5531 → the median moves to 1.
        Assert.Equal(1, bisection.Median());
    }

    [Fact]
    public void A_score_above_the_target_points_right_with_the_beta_mass_above_the_target()
    {
        // Score 0.3 = target → direction +1; α = 2, β = 4; P_below = I_0.3(2, 4) = 1 − 0.7^5 − 5·0.3·0.7^4 = 0.47178;
        // p = 1 − 0.47178 = 0.52822.
        var bisection = new ProbabilisticBisection(new ThresholdSearchSettings(Target: 0.3));
        var (direction, p) = bisection.Observe(0.3);
        Assert.Equal(+1, direction);
        Assert.Equal(Math.Pow(0.7, 5) + 1.5 * Math.Pow(0.7, 4), p, 12);
    }

    [Fact]
    public void A_score_just_above_the_target_whose_beta_mass_lies_below_flips_direction()
    {
        // Target 0.5, score 0.5: α = β = 3, P_below = 0.5 exactly → p = 0.5, no flip. Target 0.95, score 0.96:
        // α = 5.3, β = 0.7; mean 0.883 < 0.95, most mass below the target → the direction flips to −1.
        var bisection = new ProbabilisticBisection(new ThresholdSearchSettings(Target: 0.95));
        var (direction, p) = bisection.Observe(0.96);
        Assert.Equal(-1, direction);
        Assert.True(p >= 0.5);
        Assert.Equal(BetaDistribution.Cdf(0.95, 5.3, 0.7), p, 12);
    }
}
