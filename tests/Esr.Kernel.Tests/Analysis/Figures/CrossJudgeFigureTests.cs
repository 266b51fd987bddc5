using Esr.Kernel.Analysis.Figures;
using Microsoft.Data.Analysis;
using static Esr.Kernel.Tests.Analysis.Figures.SyntheticTrials;

namespace Esr.Kernel.Tests.Analysis.Figures;

public class CrossJudgeFigureTests
{
    // Two judges over three trials: t1 and t3 on Gemma-2B, t2 on Llama-70B.
    //   haiku: t1 10→50 (2 attempts), t2 20 (1), t3 30 (1);  qwen: t1 10→60 (2), t2 20 (1), t3 30→40 (2).
    internal static DataFrame Grades() => new(
        new StringDataFrameColumn("judge", ["haiku", "haiku", "haiku", "qwen", "qwen", "qwen"]),
        new StringDataFrameColumn("target_model", ["gemma-2-2b-it", "llama-3.3-70b", "gemma-2-2b-it", "gemma-2-2b-it", "llama-3.3-70b", "gemma-2-2b-it"]),
        new StringDataFrameColumn("trial_id", ["t1", "t2", "t3", "t1", "t2", "t3"]),
        new DoubleDataFrameColumn("first_score", [10.0, 20, 30, 10, 20, 30]),
        new DoubleDataFrameColumn("last_score", [50.0, 20, 30, 60, 20, 40]),
        new Int32DataFrameColumn("n_attempts", [2, 1, 1, 2, 1, 2]));

    [Fact]
    public void Metrics_per_judge_and_model_count_multi_attempt_rows_only_for_the_msi()
    {
        var frame = CrossJudgeFigure.Metrics(Grades());
        Assert.Equal(4, frame.Rows.Count);
        // haiku / Gemma-2B: rows t1, t3 → multi 1, improved 1, MSI 40, ESR 50 %; qwen / Gemma-2B: both multi, MSI (50 + 10)/2 = 30.
        Assert.Equal("Gemma-2-2B", Str(frame, "display_name", 0));
        Assert.Equal(40, Cell(frame, "msi", 0), 9);
        Assert.Equal(50, Cell(frame, "esr_rate", 0), 9);
        Assert.True(double.IsNaN(Cell(frame, "msi", 1)));
        Assert.Equal(30, Cell(frame, "msi", 2), 9);
        Assert.Equal(100, Cell(frame, "multi_attempt_pct", 2), 9);
    }

    [Fact]
    public void Attempt_pairs_give_the_exact_agreement_of_two_judges()
    {
        var pairs = CrossJudgeFigure.AttemptPairs(Grades());
        Assert.Equal(12, pairs.Rows.Count);
        // t1 2 = 2, t2 1 = 1, t3 1 ≠ 2 → 2/3.
        Assert.Equal(200.0 / 3, CrossJudgeFigure.ExactAgreement(pairs, "haiku", "qwen"), 9);
        Assert.Equal(100, CrossJudgeFigure.ExactAgreement(pairs, "qwen", "qwen"), 9);
        Assert.True(double.IsNaN(CrossJudgeFigure.ExactAgreement(pairs, "haiku", "gemini")));
    }

    [Fact]
    public void A_frame_without_a_required_column_is_refused_by_name()
    {
        var bad = new DataFrame(new StringDataFrameColumn("judge", ["a"]));
        var error = Assert.Throws<ArgumentException>(() => CrossJudgeFigure.Metrics(bad));
        Assert.Contains("target_model", error.Message);
    }
}
