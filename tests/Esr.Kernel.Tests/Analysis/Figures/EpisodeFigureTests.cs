using Esr.Kernel.Analysis.Figures;
using Esr.Kernel.Experiments.Episodes;
using Esr.Kernel.Tests.Models;
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
    public void Figure_A15_reads_back_the_overlay_and_the_correction_lengths_experiment_9_saved()
    {
        using var folder = new TemporaryDirectory();
        FigureResultsFolder.WriteOverlay(folder.Path);

        var data = EpisodePipelineResult.ReadOverlay(Path.Combine(folder.Path, EpisodePipelineResult.OverlayCsvFile));

        // Offsets −3..2 around each correction: a gives 0 (before its start), 0, 1, 2, 3, 4; b gives 2, 2, 2, 2, 0, 0.
        Assert.Equal([-3, -2, -1, 0, 1, 2], Enumerable.Range(0, 6).Select(i => (int)Cell(data.Series, "offset", i)));
        Assert.Equal([1, 1, 1.5, 2, 1.5, 2], Enumerable.Range(0, 6).Select(i => Cell(data.Series, "otd_mean", i)));
        Assert.Equal(0.5, Cell(data.Series, "bt_mean", 1), 12);
        Assert.Equal([3], data.CorrectionLengths); // a returns 3 tokens after its correction; b never does
        Assert.Equal(3, data.MedianCorrectionLength);
    }

    [Fact]
    public void Figure_A15_without_the_episode_metadata_beside_the_overlay_names_the_file_it_wants()
    {
        using var folder = new TemporaryDirectory();
        FigureResultsFolder.WriteOverlay(folder.Path);
        File.Delete(Path.Combine(folder.Path, ActivationCollection.MetadataFile));

        var error = Assert.Throws<InvalidDataException>(() => EpisodePipelineResult.ReadOverlay(Path.Combine(folder.Path, EpisodePipelineResult.OverlayCsvFile)));

        Assert.StartsWith(Path.Combine(folder.Path, ActivationCollection.MetadataFile) + ": missing", error.Message);
        File.WriteAllText(Path.Combine(folder.Path, EpisodePipelineResult.OverlayCsvFile), "offset,otd_mean\n0,1\n");
        Assert.Contains("expected the header 'offset,n_episodes,otd_mean,otd_sd,otd_sem,otd_smoothed,bt_mean,bt_sd,bt_sem,bt_smoothed'",
            Assert.Throws<InvalidDataException>(() => EpisodePipelineResult.ReadOverlay(Path.Combine(folder.Path, EpisodePipelineResult.OverlayCsvFile))).Message);
    }

    [Fact]
    public void Region_comparison_ratios_divide_by_the_baseline()
    {
        var comparison = new RegionComparison(0.0119, 0.01, 0.0058, 0.004, 0.0027, 0.002);
        Assert.Equal(0.0119 / 0.0027, comparison.OffTopicRatio, 12);
        Assert.Equal(0.0058 / 0.0027, comparison.OnTopicRatio, 12);
    }
}
