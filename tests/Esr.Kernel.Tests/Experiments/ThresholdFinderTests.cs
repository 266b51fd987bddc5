using Esr.Kernel.Experiments;

namespace Esr.Kernel.Tests.Experiments;

public class ThresholdFinderTests
{
    // A judge whose first-attempt score falls with the boost: 1 − logistic((b − 20)/4) plus Gaussian noise
    // (SD 0.05), clipped to [0, 1]. The score equals 0.3 where logistic = 0.7: b* = 20 + 4·ln(7/3) = 23.389.
    private static CalibrationScorer NoisyJudge(int seed)
    {
        var random = new Random(seed);
        return (boost, _, _) =>
        {
            double clean = 1 - 1 / (1 + Math.Exp(-(boost - 20) / 4));
            double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
            double noise = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2) * 0.05;
            return Task.FromResult(CalibrationSample.Scored(Math.Clamp(clean + noise, 0, 1)));
        };
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_noisy_monotone_judge_converges_to_within_one_and_a_half_boost_units(int seed)
    {
        double root = 20 + 4 * Math.Log(7.0 / 3);
        var settings = ThresholdSearchSettings.Llama8B with { Trials = 40 };
        var result = await ThresholdFinder.FindAsync(settings, NoisyJudge(seed));
        Assert.Equal(40, result.Steps.Count);
        Assert.InRange(result.Threshold, root - 1.5, root + 1.5);
        Assert.Equal(Math.Round(result.Threshold, 2), result.Rounded);
    }

    [Fact]
    public async Task Empty_judgements_are_retried_and_counted()
    {
        int calls = 0;
        CalibrationScorer scorer = (_, _, _) =>
            Task.FromResult(++calls % 3 == 0 ? CalibrationSample.Scored(0.5) : CalibrationSample.NoAttempts);
        var result = await ThresholdFinder.FindAsync(ThresholdSearchSettings.Llama8B with { Trials = 4 }, scorer);
        Assert.Equal(4, result.Steps.Count);
        Assert.Equal(8, result.EmptyRetries);
    }

    [Fact]
    public async Task Endless_empty_judgements_fail_after_the_retry_bound_instead_of_looping()
    {
        int calls = 0;
        CalibrationScorer scorer = (_, _, _) => { calls++; return Task.FromResult(CalibrationSample.NoAttempts); };
        var settings = ThresholdSearchSettings.Llama8B with { MaxEmptyRetries = 4 };
        var error = await Assert.ThrowsAsync<ThresholdCalibrationException>(() => ThresholdFinder.FindAsync(settings, scorer));
        Assert.Equal(5, calls);
        Assert.Equal(5, error.EmptyRetries);
    }

    [Fact]
    public async Task Three_judge_failures_for_one_sample_fail_the_latent()
    {
        int calls = 0;
        CalibrationScorer scorer = (_, _, _) => { calls++; return Task.FromResult(CalibrationSample.Failed("HttpRequestException: 500")); };
        var error = await Assert.ThrowsAsync<ThresholdCalibrationException>(() => ThresholdFinder.FindAsync(ThresholdSearchSettings.Llama8B, scorer));
        Assert.Equal(3, calls);
        Assert.Equal(3, error.JudgeErrors);
        Assert.Contains("HttpRequestException: 500", error.Message);
    }

    [Fact]
    public async Task Samples_of_a_step_are_averaged()
    {
        // Five samples 0.1..0.5 average 0.3 = target → direction +1.
        CalibrationScorer scorer = (_, sample, _) => Task.FromResult(CalibrationSample.Scored(0.1 * (sample + 1)));
        var settings = ThresholdSearchSettings.Llama70B with { Trials = 1 };
        var result = await ThresholdFinder.FindAsync(settings, scorer);
        Assert.Equal(0.3, result.Steps[0].Score, 12);
        Assert.Equal(+1, result.Steps[0].Direction);
    }
}
