using Esr.Kernel.Benchmarks;

namespace Esr.Kernel.Tests.Benchmarks;

public class SamplingSpeedTests
{
    [Fact]
    public void Each_batch_size_is_timed_both_ways()
    {
        var result = SamplingSpeed.Measure(vocabulary: 3000, batches: [1, 4], temperature: 0.6, topP: 0.9, repeats: 3);

        Assert.Equal([1, 4], result.Rows.Select(row => row.Rows));
        Assert.All(result.Rows, row => Assert.True(row.OneThreadMilliseconds > 0 && row.PoolMilliseconds > 0));
        Assert.Equal(result.Rows[1].OneThreadMilliseconds / result.Rows[1].PoolMilliseconds, result.Rows[1].Speedup, 12);
        Assert.Equal((3000, 0.6, 0.9, 3), (result.Vocabulary, result.Temperature, result.TopP, result.Repeats));
    }

    [Theory]
    [InlineData(-0.5, 1.0, "Temperature")]
    [InlineData(0.6, 0.0, "TopP")]
    public void Settings_out_of_range_are_refused_before_anything_is_timed(double temperature, double topP, string named)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SamplingSpeed.Measure(3000, [1], temperature, topP, repeats: 1));
        Assert.Equal(named, error.ParamName);
    }
}
