using Esr.Kernel.Benchmarks;

namespace Esr.Kernel.Tests.Benchmarks;

public sealed class MemoryBandwidthTests
{
    [Fact]
    public void Memory_bandwidth_is_a_positive_rate_over_the_whole_buffer()
    {
        var rate = MemoryBandwidth.Measure(64L << 20, threads: 2, passes: 1);

        Assert.True(rate > 0 && double.IsFinite(rate), $"{rate} bytes/s");
    }
}
