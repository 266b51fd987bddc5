using Esr.Kernel.Analysis.Figures;

namespace Esr.Kernel.Tests.Analysis.Figures;

public class HistogramTests
{
    [Fact]
    public void Figure2_bins_have_zero_and_both_ends_as_centres()
    {
        var edges = Histogram.CentredEdges(-100, 100, 200.0 / 30);
        // 31 bins of width 6.667 centred on −100, …, 0, …, 100: edges −103.333 … 103.333.
        Assert.Equal(32, edges.Length);
        Assert.Equal(-100 - 100.0 / 30, edges[0], 9);
        Assert.Equal(100 + 100.0 / 30, edges[^1], 9);
        Assert.Equal(0, (edges[15] + edges[16]) / 2, 9);
    }

    [Fact]
    public void Counts_follow_numpy_bin_rules_and_densities_integrate_to_one()
    {
        var edges = Histogram.CentredEdges(-100, 100, 200.0 / 30);
        // 0 → bin 15 [−3.33, 3.33); 3.4 → bin 16; −100 → bin 0; 100 → bin 30; 45 → bin 22 [43.33, 50); 150 is outside.
        var counts = Histogram.Counts([0, 3.4, -100, 100, 45, 150], edges);
        Assert.Equal(1, counts[15]);
        Assert.Equal(1, counts[16]);
        Assert.Equal(1, counts[0]);
        Assert.Equal(1, counts[30]);
        Assert.Equal(1, counts[22]);
        Assert.Equal(5, counts.Sum());
        var densities = Histogram.Densities(counts, edges);
        // 1 / (5 in range · 6.667) = 0.03.
        Assert.Equal(0.03, densities[15], 12);
        Assert.Equal(1, densities.Select((d, i) => d * (edges[i + 1] - edges[i])).Sum(), 12);
    }

    [Fact]
    public void Linear_edges_close_the_last_bin_on_the_right()
    {
        var edges = Histogram.LinearEdges(0, 100, 21);
        Assert.Equal(21, edges.Length);
        Assert.Equal(5, edges[1], 12);
        var counts = Histogram.Counts([100, 0, 4.99, 5], edges);
        Assert.Equal([2, 1], counts.Take(2));
        Assert.Equal(1, counts[^1]);
    }

    [Fact]
    public void Densities_are_zero_without_values_in_range()
    {
        var edges = Histogram.LinearEdges(0, 100, 21);
        Assert.All(Histogram.Densities(Histogram.Counts([-5], edges), edges), d => Assert.Equal(0, d));
    }
}
