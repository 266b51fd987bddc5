using Esr.Kernel.Benchmarks;

namespace Esr.Kernel.Tests.Benchmarks;

public class SamplingSpeedTests
{
    [Fact]
    public void Each_batch_size_is_timed_both_ways()
    {
        var result = SamplingSpeed.Measure(vocabulary: 3000, batches: [1, 4], temperature: 0.6, repeats: 3);

        Assert.Equal([1, 4], result.Rows.Select(row => row.Rows));
        Assert.All(result.Rows, row => Assert.True(row.OneThreadMilliseconds > 0 && row.PoolMilliseconds > 0));
        Assert.Equal(result.Rows[1].OneThreadMilliseconds / result.Rows[1].PoolMilliseconds, result.Rows[1].Speedup, 12);
        Assert.Equal((3000, 0.6, 3), (result.Vocabulary, result.Temperature, result.Repeats));
    }

    [Fact]
    public void A_negative_temperature_is_refused_before_anything_is_timed()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SamplingSpeed.Measure(3000, [1], temperature: -0.5, repeats: 1));
        Assert.Equal("Temperature", error.ParamName);
    }
}
