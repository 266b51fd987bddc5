using Esr.Kernel.Benchmarks;

namespace Esr.Kernel.Tests.Benchmarks;

public sealed class MemoryBandwidthTests
{
    [Fact]
    public void Memory_bandwidth_is_a_positive_rate_over_the_whole_buffer()
    {
        var floor = new MemoryBandwidth(40L << 20);

        var rate = floor.Measure(threads: 2, passes: 1);

        Assert.Equal(32L << 20, floor.Bytes); // whole 16 MiB slices
        Assert.True(rate > 0 && double.IsFinite(rate), $"{rate} bytes/s");
        Assert.True(floor.Measure(threads: 2, passes: 1) > 0, "read again over the same buffer");
    }
}
