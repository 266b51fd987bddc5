using Esr.Kernel.Analysis;

namespace Esr.Kernel.Tests.Analysis;

public class MannWhitneyAucTests
{
    [Fact]
    public void Separated_sides_give_one_or_zero_and_equal_sides_a_half()
    {
        Assert.Equal(1.0, MannWhitneyAuc.Of([2, 3, 5], [0, 1]));
        Assert.Equal(0.0, MannWhitneyAuc.Of([0, 1], [2, 3, 5]));
        Assert.Equal(0.5, MannWhitneyAuc.Of([0, 0, 0], [0, 0]));
    }

    [Fact]
    public void Ties_count_half_across_the_sides()
    {
        // Positives 3, 2 against negatives 1, 2, 0: 3 beats all three; 2 beats 1 and 0 and ties 2. (3 + 2.5) / 6.
        Assert.Equal(5.5 / 6, MannWhitneyAuc.Of([3, 2], [1, 2, 0]), 12);
        // Positives 0, 1, 2, 2 against negatives 0, 1, 1, 3: 0 ties one (0.5); 1 beats 0 and ties two (2);
        // each 2 beats three (3 + 3). 8.5 / 16.
        Assert.Equal(8.5 / 16, MannWhitneyAuc.Of([0, 1, 2, 2], [0, 1, 1, 3]), 12);
        // Ties inside one side do not count: positives 1, 1 against negative 0.
        Assert.Equal(1.0, MannWhitneyAuc.Of([1, 1], [0]));
    }

    [Fact]
    public void An_empty_side_has_no_auc()
    {
        Assert.Throws<ArgumentException>(() => MannWhitneyAuc.Of([], [1]));
        Assert.Throws<ArgumentException>(() => MannWhitneyAuc.Of([1], []));
    }
}
