using System.Text.Json;
using Esr.Kernel.Experiments.CrossJudge;
using Esr.Kernel.Judging;
using Esr.Kernel.Results;
using Esr.Kernel.Tests.Models;

namespace Esr.Kernel.Tests.Experiments.Readouts;

public class CrossJudgeTests
{
    private static readonly JudgeVerdict Single = ScriptedJudge.Scores(40);
    private static readonly JudgeVerdict Multi = ScriptedJudge.Scores(10, 70);

    [Fact]
    public void Sampling_keeps_every_multi_attempt_trial_even_beyond_the_sample_size()
    {
        var trials = Enumerable.Range(0, 5).Select(i => Trials.Make(i, i, Multi))
            .Concat(Enumerable.Range(5, 20).Select(i => Trials.Make(i, i, Single))).ToList();

        var sample = CrossJudgeSampler.Select(trials, new CrossJudgeSamplingOptions { SampleCount = 3, MinimumPerModel = 2 });

        Assert.Equal(5, sample.Trials.Count);
        Assert.All(sample.Trials, t => Assert.True(t.HasSelfCorrection));
        Assert.Equal(5, sample.SelfCorrectionCount);
    }

    [Fact]
    public void Sampling_tops_up_each_model_to_the_minimum_then_the_whole_sample_to_its_size()
    {
        var trials = new[] { Trials.Make(1, 1, Multi, "A"), Trials.Make(2, 2, Multi, "A") }
            .Concat(Enumerable.Range(10, 10).Select(i => Trials.Make(i, i, Single, "A")))
            .Concat(Enumerable.Range(30, 10).Select(i => Trials.Make(i, i, Single, "B")))
            .Concat(Enumerable.Range(50, 2).Select(i => Trials.Make(i, i, Single, "C"))).ToList();
        var options = new CrossJudgeSamplingOptions { SampleCount = 14, MinimumPerModel = 4 };

        var sample = CrossJudgeSampler.Select(trials, options);

        Assert.Equal(14, sample.Trials.Count);
        Assert.Equal(14, sample.Trials.Select(t => t.Key).Distinct().Count());
        Assert.Equal([1, 2], sample.Trials.Take(2).Select(t => t.Trial.Latent));
        // After the per-model top-ups: A 2 multi + 2, B 4, C all of its 2; the overall top-up adds 4 more.
        var firstTen = sample.Trials.Take(10).GroupBy(t => t.TargetModel).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(4, firstTen["A"]);
        Assert.Equal(4, firstTen["B"]);
        Assert.Equal(2, firstTen["C"]);
        Assert.Equal(["A", "B", "C"], sample.Models);
        Assert.Equal(sample.Trials.Select(t => t.Key), CrossJudgeSampler.Select(trials, options).Trials.Select(t => t.Key));
    }

    [Fact]
    public void Sampling_draws_only_from_experiment_1_style_results_not_the_sweep_meta_prompts_fine_tuning_or_random_control()
    {
        TrialRecord Of(int latent, int experiment, string condition, string file) =>
            Trials.Make(latent, latent, Single, file: file) with { Experiment = experiment, Condition = condition };
        var trials = new[]
        {
            Of(1, 1, "steered", "experiment_results_m_20251101_000000.json"),
            Of(2, 3, "ablation", "experiment_results_m_20251101_000000_with_ablation.json"),
            Of(3, 8, "no_steering", "experiment_results_m_20251101_000000_no_steering_baseline.json"),
            Of(4, 2, "boost_sweep", "experiment_multi_boost_m_20251101_000000.json"),
            Of(5, 5, "self_monitor", "experiment_5_prompt_variants_m_self_monitor_20251101_000000.json"),
            Of(6, 10, "random_ablation_set0", "experiment_results_m_20251101_000000_random_ablation_set0.json"),
            Of(7, 4, "steered", "experiment_results_masked-ratio-50pct-merged_20251101_000000.json"),
            Of(8, 4, "steered", "") with { SourceFile = null }, // a fine-tuning run of this workbench
        };

        var sample = CrossJudgeSampler.Select(trials);

        Assert.Equal([1, 2, 3], sample.Trials.Select(t => t.Trial.Latent).Order());
    }

    [Fact]
    public void Sampling_drops_errored_blank_excluded_file_and_duplicate_trials_but_keeps_a_failed_original_grade()
    {
        var trials = new[]
        {
            Trials.Make(1, 1, Single, file: "experiment_results_x_with_ablation.json"),
            Trials.Make(1, 1, Multi, file: "experiment_results_x_with_ablation.json"), // same file, seed, latent: a duplicate
            Trials.Make(2, 2, Single, error: "generation failed"),
            Trials.Make(3, 3, JudgeVerdict.Failed(null, "Http", "boom")),
            Trials.Make(4, 4, Single, response: "  \n"),
            Trials.Make(5, 5, Single, file: "experiment_results_masked-ratio-50pct-merged_1.json"),
            Trials.Make(6, 6, Single, file: "experiment_results_y_no_steering_baseline.json"),
        };

        var sample = CrossJudgeSampler.Select(trials);

        // As regrade_cross_judge.py: only the trial's own error and a blank response count, not its original grade's.
        Assert.Equal([1, 3, 6], sample.Trials.Select(t => t.Trial.Latent).Order());
        Assert.False(sample.Trials.Single(t => t.Trial.Latent == 1).HasSelfCorrection); // the first of the duplicates is kept
        Assert.Equal(new Dictionary<string, int>
        {
            [""] = 1,
            ["experiment_results_x_with_ablation.json"] = 1,
            ["experiment_results_y_no_steering_baseline.json"] = 1,
        }, sample.SourceFiles);
    }

    [Fact]
    public async Task Regrading_sends_each_judge_the_original_request_and_writes_the_paper_files()
    {
        using var folder = new TemporaryDirectory();
        var trials = new[] { Trials.Make(7, 70, Multi, "A", "f1.json", "resp one", "prompt one"), Trials.Make(8, 80, Single, "A", "f2.json", "resp two", "prompt two") };
        var sample = CrossJudgeSampler.Select(trials);
        var judge = new ScriptedJudge("openai/gpt-5-mini", request => request.Response == "resp one"
            ? ScriptedJudge.Scores(20, 60)
            : JudgeVerdict.Failed("garbled", "JudgeReplyFormatError", "No JSON found"));
        var time = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

        var sets = await CrossJudgeRegrader.RegradeAsync(sample, [new CrossJudgeEntry("gpt-5-mini", judge)], folder.Path, time);

        Assert.Equal(
            sample.Trials.Select(t => new JudgeRequest(t.Trial.Prompt, t.Trial.Response, t.Trial.LatentLabel)).OrderBy(r => r.Prompt),
            judge.Seen.OrderBy(r => r.Prompt));
        Assert.Equal(1, sets[0].Errors);
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder.Path, "sample_metadata_20260102_030405.json")));
        Assert.Equal(2, metadata.RootElement.GetProperty("n_samples").GetInt32());
        Assert.Equal(1, metadata.RootElement.GetProperty("self_correction_count").GetInt32());
        Assert.Equal(42, metadata.RootElement.GetProperty("seed").GetInt32());
        Assert.Equal(1, metadata.RootElement.GetProperty("source_files").GetProperty("f1.json").GetInt32());
        using var regraded = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder.Path, "regraded_gpt-5-mini_20260102_030405.json")));
        var root = regraded.RootElement;
        Assert.Equal("gpt-5-mini", root.GetProperty("model_name").GetString());
        Assert.Equal("openai/gpt-5-mini", root.GetProperty("model_id").GetString());
        Assert.Equal(1, root.GetProperty("n_errors").GetInt32());
        var first = root.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("feature_index").GetInt32() == 7);
        Assert.Equal("f1.json", first.GetProperty("source_file").GetString());
        Assert.Equal("label 7", first.GetProperty("feature_label").GetString());
        Assert.Equal(70, first.GetProperty("seed").GetInt32());
        Assert.True(first.GetProperty("has_self_correction").GetBoolean());
        Assert.Equal(70, first.GetProperty("original_score").GetProperty("attempts")[1].GetProperty("score").GetDouble());
        Assert.Equal(60, first.GetProperty("new_score").GetProperty("attempts")[1].GetProperty("score").GetDouble());
        var second = root.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("feature_index").GetInt32() == 8);
        Assert.StartsWith("JudgeReplyFormatError", second.GetProperty("new_score").GetProperty("error").GetString());
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp"));
    }

    [Fact]
    public async Task A_judge_alias_with_a_slash_or_dots_names_a_file_inside_the_output_folder_not_a_subfolder()
    {
        using var folder = new TemporaryDirectory();
        var output = Path.Combine(folder.Path, "cross_judge_results");
        var sample = CrossJudgeSampler.Select([Trials.Make(7, 70, Multi)]);
        var judge = new ScriptedJudge("meta-llama/Llama-3.3-70B-Instruct", _ => Single);

        await CrossJudgeRegrader.RegradeAsync(sample,
            [new CrossJudgeEntry("meta-llama/Llama-3.3-70B-Instruct", judge), new CrossJudgeEntry("../../up", judge)], output, DateTimeOffset.UnixEpoch);

        Assert.Empty(Directory.GetDirectories(output));
        Assert.Equal([output], Directory.GetFileSystemEntries(folder.Path));
        Assert.Equal(
            ["regraded_.._.._up_19700101_000000.json", "regraded_meta-llama_Llama-3.3-70B-Instruct_19700101_000000.json", "sample_metadata_19700101_000000.json"],
            Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Rows_list_the_original_grade_under_the_papers_label_and_drop_unusable_new_grades()
    {
        var trials = new[]
        {
            Trials.Make(1, 1, Multi, file: "experiment_results_Meta-Llama-3.3-70B-Instruct_20251104_165624.json"),
            Trials.Make(2, 2, Single, file: "experiment_results_gemma-2-9b-res-16k-layer-26_20251104_165624.json"),
        };
        var sample = CrossJudgeSampler.Select(trials);
        RegradedSet Set(string alias, JudgeVerdict first, JudgeVerdict second) =>
            new(alias, "x/" + alias, [new RegradedTrial(sample.Trials[0], first), new RegradedTrial(sample.Trials[1], second)]);
        var sets = new[]
        {
            Set("qwen3-32b", ScriptedJudge.Scores(30, 20, 90), new JudgeVerdict([], "{}", null)),
            Set("gpt-5-mini", ScriptedJudge.Scores(50), JudgeVerdict.Failed("garbled", "JudgeReplyFormatError", "No JSON found")),
        };

        var rows = CrossJudgeAnalysis.Rows(sample, sets);

        Assert.Equal(["Sonnet-4.5", "qwen3-32b", "gpt-5-mini"], rows.Select(r => r.Judge));
        Assert.Equal(["Llama-3.3-70B", "Llama-3.3-70B", "Llama-3.3-70B"], rows.Select(r => r.TargetModel));
        var regraded = rows[1];
        Assert.Equal((30.0, 90.0, 3, 60.0, true), (regraded.FirstScore, regraded.LastScore, regraded.Attempts, regraded.Improvement, regraded.HasMulti));
        Assert.Equal(0, rows[2].Improvement);
        var renamed = CrossJudgeAnalysis.Rows(sample, sets, new CrossJudgeAnalysisOptions { OriginalJudgeName = "haiku-4.5", TargetModelFromFileName = false });
        Assert.Equal(["haiku-4.5", "m"], [renamed[0].Judge, renamed[0].TargetModel]);
    }

    [Fact]
    public void An_original_grade_enters_only_beside_a_usable_new_grade_and_missing_scores_count_as_0()
    {
        var trials = new[]
        {
            Trials.Make(1, 1, new JudgeVerdict([new Attempt("a", 40), new Attempt("b", null)], "{}", null)),
            Trials.Make(2, 2, JudgeVerdict.Failed("garbled", "JudgeReplyFormatError", "No JSON found")),
            Trials.Make(3, 3, Single),
        };
        var sample = CrossJudgeSampler.Select(trials);
        JudgeVerdict Graded(SampledTrial t) => t.Trial.Latent == 3 ? JudgeVerdict.Failed(null, "Http", "boom") : new JudgeVerdict([new Attempt("a", null), new Attempt("b", 70)], "{}", null);
        var set = new RegradedSet("qwen3-32b", "qwen/qwen3-32b", sample.Trials.Select(t => new RegradedTrial(t, Graded(t))).ToList());

        var rows = CrossJudgeAnalysis.Rows(sample, [set]);
        var clean = CrossJudgeAnalysis.Rows(sample, [set], new CrossJudgeAnalysisOptions { MissingScoresAsZero = false });

        // Trial 3's only new grade failed: neither it nor its original grade is a row. Unscored attempts score 0
        // (40, − → 40, 0; −, 70 → 0, 70), and trial 2's failed original grade counts as one attempt scored 0.
        Assert.Equal(["|1|1 Sonnet-4.5 2: 40→0", "|1|1 qwen3-32b 2: 0→70", "|2|2 Sonnet-4.5 1: 0→0", "|2|2 qwen3-32b 2: 0→70"], Lines(rows));
        // Without the quirk, unscored attempts are dropped and an original grade with no score has no row.
        Assert.Equal(["|1|1 Sonnet-4.5 1: 40→40", "|1|1 qwen3-32b 1: 70→70", "|2|2 qwen3-32b 1: 70→70"], Lines(clean));
    }

    private static IEnumerable<string> Lines(IEnumerable<CrossJudgeRow> rows) =>
        rows.Select(r => $"{r.TrialKey} {r.Judge} {r.Attempts}: {r.FirstScore}→{r.LastScore}").Order(StringComparer.Ordinal);

    [Fact]
    public void Agreement_metrics_match_hand_computed_values()
    {
        CrossJudgeRow Row(string judge, string trial, double first, int attempts, double last) =>
            new(judge, trial, "A", first, last, attempts, attempts > 1 ? last - first : 0);
        CrossJudgeRow[] rows =
        [
            Row("A", "t1", 10, 1, 10), Row("B", "t1", 20, 1, 20),
            Row("A", "t2", 20, 2, 50), Row("B", "t2", 30, 2, 60),
            Row("A", "t3", 30, 2, 10), Row("B", "t3", 50, 3, 70),
            Row("A", "t4", 40, 1, 40), Row("B", "t4", 40, 2, 40),
            Row("A", "t5", 90, 1, 90),
        ];

        var agreement = Assert.Single(CrossJudgeAnalysis.Agreement(rows, new CrossJudgeAnalysisOptions { MinimumSharedTrials = 4, MinimumBothMultiExclusive = 1 }));

        // Firsts (10,20,30,40) vs (20,30,50,40): Sxy 400, Sxx 500, Syy 500 → r 0.8. Multi agrees on t1-t3 (3/4);
        // both multi on t2 (both improve) and t3 (A −20, B +20) → 1/2; attempt counts equal on t1, t2 → 2/4.
        Assert.Equal(("A", "B", 4, 2), (agreement.JudgeA, agreement.JudgeB, agreement.SharedTrials, agreement.BothMulti));
        Assert.Equal(0.8, agreement.PearsonFirstScore, 12);
        Assert.Equal(0.75, agreement.MultiAttemptAgreement, 12);
        Assert.Equal(0.5, agreement.EsrDirectionAgreement, 12);
        Assert.Equal(0.5, agreement.AttemptCountAgreement, 12);
        Assert.True(double.IsNaN(CrossJudgeAnalysis.Agreement(rows, new CrossJudgeAnalysisOptions { MinimumSharedTrials = 4 })[0].EsrDirectionAgreement));
        Assert.Empty(CrossJudgeAnalysis.Agreement(rows)); // the paper's minimum of 10 shared trials
        var frame = CrossJudgeAnalysis.AgreementFrame([agreement]);
        Assert.Equal(0.8, (double)frame["pearson_r_first_score"][0]!, 12);
    }

    [Fact]
    public void The_rows_frame_feeds_the_cross_judge_figure()
    {
        CrossJudgeRow[] rows =
        [
            new("A", "t1", "Llama-3.3-70B", 10, 10, 1, 0), new("A", "t2", "Llama-3.3-70B", 20, 50, 2, 30),
            new("A", "t3", "Llama-3.3-70B", 30, 10, 3, -20), new("A", "t4", "Llama-3.3-70B", 40, 40, 1, 0),
        ];

        var metrics = Esr.Kernel.Analysis.Figures.CrossJudgeFigure.Metrics(CrossJudgeAnalysis.RowsFrame(rows));

        Assert.Equal(50.0, (double)metrics["multi_attempt_pct"][0]!, 12); // 2 of 4
        Assert.Equal(25.0, (double)metrics["esr_rate"][0]!, 12);          // 1 of 4 improves
        Assert.Equal(5.0, (double)metrics["msi"][0]!, 12);                // (30 − 20)/2
    }

    [Fact]
    public void The_rows_table_saved_as_csv_reads_back_with_its_values_and_types()
    {
        var rows = new[]
        {
            new CrossJudgeRow("Sonnet-4.5", "file.json|1|7", "70B", 10, 80, 2, 70),
            new CrossJudgeRow("gpt-5-mini", "file.json|1|7", "", 45.5, 45.5, 1, 0),
        };
        var path = Path.Combine(Directory.CreateTempSubdirectory("esr-crossjudge-").FullName, CrossJudgeAnalysis.RowsCsvFile);
        Microsoft.Data.Analysis.DataFrame.SaveCsv(CrossJudgeAnalysis.RowsFrame(rows), path, cultureInfo: System.Globalization.CultureInfo.InvariantCulture);

        var frame = CrossJudgeAnalysis.LoadRowsFrame(path);

        Assert.Equal(2, frame.Rows.Count);
        Assert.Equal("file.json|1|7", frame["trial_id"][0]);
        Assert.Equal(45.5, frame["first_score"][1]);
        Assert.Equal(2, frame["n_attempts"][0]);
        Assert.Equal(true, frame["has_multi"][0]);
        Assert.Equal(false, frame["has_multi"][1]);
    }

    [Fact]
    public void A_csv_that_is_not_the_rows_table_is_refused_naming_the_file_and_the_header_expected()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("esr-crossjudge-").FullName, "other.csv");
        File.WriteAllText(path, "judge,score\nx,1\n");

        var error = Assert.Throws<InvalidDataException>(() => CrossJudgeAnalysis.LoadRowsFrame(path));

        Assert.Contains("other.csv", error.Message);
        Assert.Contains("judge,trial_id,target_model", error.Message);
    }
}
