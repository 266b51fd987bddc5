using Esr.Kernel.Analysis;
using Esr.Kernel.Experiments.Episodes;

namespace Esr.Kernel.Tests.Experiments.Readouts;

public class EpisodeTablesTests
{
    private static LatentRegionStats Stats(int latent, double d, double correction) =>
        new(latent, new RegionSummary(0.5, 0.1, 0.5, 3, 3), new RegionSummary(correction, 0, correction, 3, 3), new RegionSummary(0.0002, 0, 0, 3, 0),
            new TestResult(6, 0.004), new TestResult(2, 0.03), d, 0.5);

    [Theory]
    [InlineData(0.5, "0.5000")]
    [InlineData(0.0005, "5.00e-04")]
    [InlineData(-0.0002, "-2.00e-04")]
    [InlineData(0.0, "0.0000")]
    [InlineData(double.NaN, "nan")]
    public void Values_below_a_thousandth_are_printed_in_scientific_notation(double value, string printed) =>
        Assert.Equal(printed, EpisodeTables.Number(value));

    [Theory]
    [InlineData(0.0004, "4.00e-04***")]
    [InlineData(0.005, "0.0050**")]
    [InlineData(0.03, "0.0300*")]
    [InlineData(0.2, "0.2000")]
    public void P_values_carry_stars_at_5_1_and_0_1_percent(double p, string printed) => Assert.Equal(printed, EpisodeTables.P(p));

    [Fact]
    public void The_otd_table_is_sorted_by_cohens_d_with_escaped_labels_cut_to_40_characters()
    {
        var label = new string('x', 45);

        var table = EpisodeTables.OffTopicDetectors([Stats(1, 0.2, 1), Stats(2, 0.9, 2)], l => l == 1 ? label : "a_b & 50%");

        var rows = table.Split('\n').Where(line => line.StartsWith('1') || line.StartsWith('2')).ToList();
        Assert.Equal(@"2 & a\_b \& 50\% & 0.5000 & 2.00e-04 & 0.0040** & 0.9000 \\", rows[0].TrimEnd('\r'));
        Assert.StartsWith($"1 & {new string('x', 40)} & ", rows[1]);
        Assert.StartsWith(@"\begin{tabular}{rlcccc}", table);
    }

    [Fact]
    public void The_backtracking_table_is_sorted_by_correction_mean()
    {
        var table = EpisodeTables.Backtracking([Stats(5, 0.9, 0.1), Stats(6, 0.1, 0.7)]);

        Assert.True(table.IndexOf("6 & ", StringComparison.Ordinal) < table.IndexOf("5 & ", StringComparison.Ordinal));
    }

    [Fact]
    public void The_summary_table_has_one_row_per_group_with_mean_and_sd()
    {
        var group = new GroupRegionStats(26, 20, 0.0119, 0.002, 0.009, 0.001, 0.0058, 0.001, new TestResult(3, 0.0001), new TestResult(1, 0.01), 0.85);

        var table = EpisodeTables.Summary(group, group with { LatentCount = 16 });

        Assert.Contains(@"OTDs (26) & 0.0119 $\pm$ 0.0020 & 0.0090 $\pm$ 0.0010 & 0.0058 $\pm$ 0.0010 & 1.00e-04*** & 0.8500 \\", table);
        Assert.Contains("Backtracking (16) & ", table);
    }
}
