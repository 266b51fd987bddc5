using Esr.Kernel.Analysis.Figures;
using static Esr.Kernel.Tests.Analysis.Figures.SyntheticTrials;

namespace Esr.Kernel.Tests.Analysis.Figures;

public class EpisodeFigureTests
{
    [Fact]
    public void Sequential_figure_sums_active_detectors_without_latents_of_interest_and_smooths_exponentially()
    {
        var readout = new SequentialActivations(
            ["<s>", "a", "b", "c"],
            new Dictionary<int, IReadOnlyList<double>>
            {
                [1] = [0, 1, 0, 0],
                [2] = [0.0005, 0.0005, 0, 0],  // max ≤ 0.001: left out
                [3] = [0, 0, 2, 0],
                [33044] = [0, 4, 0, 0],  // a detector, but a latent of interest: left out of the sum
            },
            [1, 2, 3, 33044], [33044], 33044, TokenRegion.Figure6(4));
        var frame = SequentialActivationFigure.Build(readout);
        Assert.Equal([0, 1, 2, 0], Enumerable.Range(0, 4).Select(i => Cell(frame, "otd_sum", i)));
        // s = x0, then 0.5·x + 0.5·s: 0, 0.5, 1.25, 0.625.
        Assert.Equal([0, 0.5, 1.25, 0.625], Enumerable.Range(0, 4).Select(i => Cell(frame, "otd_sum_smoothed", i)));
        Assert.Equal([0, 2, 1, 0.5], Enumerable.Range(0, 4).Select(i => Cell(frame, "backtracking_smoothed", i)));
    }

    [Fact]
    public void Paper_regions_end_where_the_sequence_ends()
    {
        var regions = TokenRegion.Figure6(400);
        Assert.Equal([0, 40, 268, 293], regions.Select(r => r.Start));
        Assert.Equal(400, regions[^1].End);
    }

    [Fact]
    public void A_readout_with_a_wrong_length_is_refused()
    {
        var readout = new SequentialActivations(["a", "b"], new Dictionary<int, IReadOnlyList<double>> { [1] = [0] }, [1], [], 33044, []);
        Assert.Throws<ArgumentException>(() => SequentialActivationFigure.Build(readout));
    }

    [Fact]
    public void Aligned_overlay_zero_fills_outside_episodes_and_uses_the_population_spread()
    {
        // A: [1, 2, 3], correction at 1, on-topic at 2 (length 1). B: [4, 0], correction at 0, no on-topic.
        // C has no correction and is skipped. Offset 0: A 2, B 4 → mean 3, population SD 1, SEM 1/√2.
        // Offset −1: A 1, B 0 (before its start) → 0.5. Offset 1: A 3, B 0 → 1.5. Offset 2: 0.
        var data = CorrectionAlignedFigure.Build(
        [
            new EpisodeSeries("A", [1, 2, 3], [0, 0, 0], 1, 2),
            new EpisodeSeries("B", [4, 0], [0, 0], 0, -1),
            new EpisodeSeries("C", [9, 9], [9, 9], -1, -1),
        ]);
        Assert.Equal(300, data.Series.Rows.Count);
        int zero = CorrectionAlignedFigure.Window;
        Assert.Equal(0, Cell(data.Series, "offset", zero));
        Assert.Equal(3, Cell(data.Series, "otd_mean", zero), 12);
        Assert.Equal(1, Cell(data.Series, "otd_sd", zero), 12);
        Assert.Equal(1 / Math.Sqrt(2), Cell(data.Series, "otd_sem", zero), 12);
        Assert.Equal(0.5, Cell(data.Series, "otd_mean", zero - 1), 12);
        // Moving average of 5 at offset 0: (0 + 0.5 + 3 + 1.5 + 0)/5 = 1.
        Assert.Equal(1, Cell(data.Series, "otd_smoothed", zero), 12);
        Assert.Equal([1], data.CorrectionLengths);
        Assert.Equal(1, data.MedianCorrectionLength);
    }

    [Fact]
    public void Moving_average_pads_with_zeros_at_both_ends()
    {
        Assert.Equal([1.2, 1.2, 1.2], CorrectionAlignedFigure.MovingAverage([2, 2, 2], 5).Select(v => Math.Round(v, 12)));
    }

    [Fact]
    public void Median_correction_length_defaults_to_20_without_lengths()
    {
        Assert.Equal(20, CorrectionAlignedFigure.Build([new EpisodeSeries("A", [1], [1], 0, -1)]).MedianCorrectionLength);
    }

    [Fact]
    public void Region_comparison_ratios_divide_by_the_baseline()
    {
        var comparison = new RegionComparison(0.0119, 0.01, 0.0058, 0.004, 0.0027, 0.002);
        Assert.Equal(0.0119 / 0.0027, comparison.OffTopicRatio, 12);
        Assert.Equal(0.0058 / 0.0027, comparison.OnTopicRatio, 12);
    }
}
