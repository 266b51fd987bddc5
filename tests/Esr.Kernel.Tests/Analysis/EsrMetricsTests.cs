using Esr.Kernel.Analysis;
using Esr.Kernel.Judging;
using Esr.Kernel.Results;

namespace Esr.Kernel.Tests.Analysis;

public class EsrMetricsTests
{
    private static IReadOnlyList<Attempt> Scores(params double?[] scores) =>
        scores.Select((s, i) => new Attempt($"attempt {i}", s)).ToList();

    // The synthetic list. Included (default): T1, T2, T3, T4, T10 → N = 5.
    //   T1 [60]             k = 1
    //   T2 [20, 80]         k = 2, delta +60, improved
    //   T3 [50, 30]         k = 2, delta −20
    //   T4 ["40", null, 70] string score read as 40, null dropped → [40, 70], k = 2, delta +30, improved
    //   T5 []               excluded (empty attempts)
    //   T6 error            excluded even though it has a score
    //   T7 [null]           excluded (no scored attempt)
    //   T8 attempts missing excluded
    //   T9 latent error     excluded
    //   T10 [10]            degraded text, k = 1; included unless degraded outputs are excluded
    private static List<GradedTrial> Synthetic()
    {
        var t4 = JudgeReplyParser.Parse("""<json>{"attempts": [{"attempt_text": "a", "score": "40"}, {"attempt_text": "b", "score": null}, {"attempt_text": "c", "score": 70}]}</json>""");
        return
        [
            new("fine answer", Scores(60)),
            new("fine answer", Scores(20, 80)),
            new("fine answer", Scores(50, 30)),
            GradedTrial.FromVerdict("fine answer", t4),
            new("fine answer", Scores()),
            new("fine answer", Scores(90), Error: "JudgeReplyFormatError: No JSON found"),
            new("fine answer", Scores([null])),
            new("fine answer", null),
            new("fine answer", Scores(100, 100), LatentError: "calibration failed"),
            new("dogs dogs dogs dogs dogs dogs", Scores(10)),
        ];
    }

    [Fact]
    public void Metrics_match_the_hand_computation_with_degraded_outputs_included()
    {
        var s = EsrMetrics.Summarize(Synthetic());
        Assert.Equal(5, s.Included);
        Assert.Equal(1, s.Degraded);
        Assert.Equal(3, s.MultiAttempt);
        Assert.Equal(2, s.Improved);

        // First scores 60, 20, 50, 40, 10: mean 180/5 = 36; deviations 24, −16, 14, 4, −26, squares sum 1720,
        // sample variance 1720/4 = 430, SE = sqrt(430/5) = sqrt(86) = 9.273618.
        Assert.Equal(36, s.FirstAttemptScore.Value, 9);
        Assert.Equal(Math.Sqrt(86), s.FirstAttemptScore.StandardError, 9);
        Assert.Equal(36 - 1.96 * Math.Sqrt(86), s.FirstAttemptScore.Low, 9);

        // Multi-attempt 3/5 = 60 %, Wald SE = 100·sqrt(0.6·0.4/5) = 21.908902.
        Assert.Equal(60, s.MultiAttemptPercent.Value, 9);
        Assert.Equal(21.908902300206645, s.MultiAttemptPercent.StandardError, 9);
        Assert.Equal(60 + 1.96 * 21.908902300206645, s.MultiAttemptPercent.High, 9);

        // ESR rate 2/5 = 40 % (over all N), same SE as 60 %.
        Assert.Equal(40, s.EsrRate.Value, 9);
        Assert.Equal(21.908902300206645, s.EsrRate.StandardError, 9);

        // Improvement rate 2/3 = 66.667 % over the 3 multi-attempt trials, SE = 100·sqrt((2/3)(1/3)/3) = 27.216553.
        Assert.Equal(200.0 / 3, s.ImprovementRate.Value, 9);
        Assert.Equal(27.216552697590867, s.ImprovementRate.StandardError, 9);
        Assert.Equal(3, s.ImprovementRate.N);

        // MSI over multi-attempt deltas 60, −20, 30: mean 70/3; squares of deviations sum 4900 − 3·(70/3)² = 9800/3,
        // variance 4900/3, SE = sqrt(4900/9) = 70/3.
        Assert.Equal(70.0 / 3, s.MeanScoreImprovement.Value, 9);
        Assert.Equal(70.0 / 3, s.MeanScoreImprovement.StandardError, 9);

        // All-trials MSI over 0, 60, −20, 30, 0: mean 14; squares of deviations 4900 − 5·196 = 3920, variance 980,
        // SE = sqrt(980/5) = 14.
        Assert.Equal(14, s.MeanScoreImprovementAllTrials.Value, 9);
        Assert.Equal(14, s.MeanScoreImprovementAllTrials.StandardError, 9);
    }

    [Fact]
    public void Excluding_degraded_outputs_drops_them_before_counting()
    {
        // T10 goes: first scores 60, 20, 50, 40 → mean 42.5; multi 3/4 = 75 %; ESR 2/4 = 50 %; improvement rate unchanged.
        var s = EsrMetrics.Summarize(Synthetic(), new MetricOptions(ExcludeDegraded: true));
        Assert.Equal(4, s.Included);
        Assert.Equal(1, s.Degraded);
        Assert.Equal(42.5, s.FirstAttemptScore.Value, 9);
        Assert.Equal(75, s.MultiAttemptPercent.Value, 9);
        Assert.Equal(50, s.EsrRate.Value, 9);
        Assert.Equal(200.0 / 3, s.ImprovementRate.Value, 9);
    }

    [Fact]
    public void Wilson_intervals_keep_the_wald_standard_error()
    {
        // p = 2/3, n = 3, z = 1.96: centre (p + z²/6)/(1 + z²/3) = 0.573082,
        // half-width z/(1 + z²/3)·sqrt(p(1−p)/3 + z²/36) = 0.365427 → [20.7655, 93.8510] %.
        var s = EsrMetrics.Summarize(Synthetic(), new MetricOptions(Proportions: IntervalMethod.Wilson));
        Assert.Equal(20.765495512648796, s.ImprovementRate.Low, 6);
        Assert.Equal(93.85096847238394, s.ImprovementRate.High, 6);
        Assert.Equal(27.216552697590867, s.ImprovementRate.StandardError, 9);
    }

    [Fact]
    public void No_included_trials_give_nan_not_an_exception()
    {
        var s = EsrMetrics.Summarize([new GradedTrial("x", Scores())]);
        Assert.Equal(0, s.Included);
        Assert.True(double.IsNaN(s.FirstAttemptScore.Value));
        Assert.True(double.IsNaN(s.ImprovementRate.Value));
    }

    [Fact]
    public void A_single_value_has_a_mean_but_no_standard_error()
    {
        var s = EsrMetrics.Summarize([new GradedTrial("x", Scores(55))]);
        Assert.Equal(55, s.FirstAttemptScore.Value);
        Assert.True(double.IsNaN(s.FirstAttemptScore.StandardError));
    }

    [Fact]
    public void Grouping_gives_one_row_per_key_combination_in_ordinal_order()
    {
        static GradedTrial With(string model, string boost, params double?[] scores) =>
            new("fine answer", Scores(scores)) { Keys = new Dictionary<string, string> { ["model"] = model, ["boost"] = boost } };

        var trials = new[]
        {
            With("llama", "2", 10, 50), With("gemma", "1", 30), With("llama", "2", 40), With("gemma", "1", 70, 20),
            With("llama", "1", 80),
        };
        var frame = EsrMetrics.ByGroups(trials, ["model", "boost"]);
        Assert.Equal(3, frame.Rows.Count);
        Assert.Equal(["gemma", "llama", "llama"], frame["model"].Cast<string>());
        Assert.Equal(["1", "1", "2"], frame["boost"].Cast<string>());
        Assert.Equal([2, 1, 2], frame["n"].Cast<int>());
        // gemma/1: firsts 30, 70 → 50; one multi trial that got worse → ESR 0 %, multi 50 %.
        Assert.Equal(50.0, (double)frame["first_attempt_score"][0]!);
        Assert.Equal(0.0, (double)frame["esr_rate"][0]!);
        Assert.Equal(50.0, (double)frame["multi_attempt_pct"][0]!);
        // llama/2: firsts 10, 40 → 25; one multi trial improved 10 → 50 → ESR 50 %, MSI 40.
        Assert.Equal(25.0, (double)frame["first_attempt_score"][2]!);
        Assert.Equal(50.0, (double)frame["esr_rate"][2]!);
        Assert.Equal(40.0, (double)frame["msi"][2]!);
        Assert.Contains(frame.Columns, c => c.Name == "improvement_rate_high");
    }

    [Fact]
    public void Grouping_by_a_column_a_trial_lacks_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => EsrMetrics.ByGroups([new GradedTrial("x", Scores(1))], ["latent"]));
    }
}
