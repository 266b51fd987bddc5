using System.Text.Json.Nodes;
using Esr.Kernel.Analysis;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Judging;
using Esr.Kernel.Results;
using Esr.Kernel.Tests.Models;

namespace Esr.Kernel.Tests.Results;

public sealed class PaperResultFileTests : IDisposable
{
    private readonly TemporaryDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    // A file in the paper's layout (ESR_SPEC §5), written here: two features, one failed; a score given as a string;
    // a judge error; a multi-attempt trial that improves.
    private const string PaperFile = """
        {
          "experiment_config": {"prompts_file": "prompts.txt", "model_name": "meta-llama/Meta-Llama-3.3-70B-Instruct",
            "judge_model_name": "claude-haiku-4-5-20251001", "disable_steering": false, "target_score_normalized": 0.3,
            "n_possible_seeds": 1000000, "seed_start": 0, "max_completion_tokens": 512, "n_trials_per_feature": 5},
          "results_by_feature": [
            {"feature_index_in_sae": 7580, "feature_label": "Body positions", "threshold": 9.4, "error": null, "trials": [
              {"prompt": "Explain how to calculate probability.", "feature_index_in_sae": 7580, "feature_label": "Body positions",
               "threshold": 9.4, "seed": 621104, "response": "Lie down. Wait, I made a mistake!",
               "score": {"raw_response": "<json>...</json>", "attempts": [{"attempt_text": "Lie down", "score": 0}, {"attempt_text": "Wait", "score": "75"}]},
               "error": null},
              {"prompt": "How do you tie a tie?", "feature_index_in_sae": 7580, "feature_label": "Body positions",
               "threshold": 9.4, "seed": 12, "response": "Knots.",
               "score": {"raw_response": "garbled", "error": "JSONDecodeError: Expecting value"}, "error": null}
            ]},
            {"feature_index_in_sae": 11, "feature_label": "Cheese", "threshold": null, "error": "calibration failed", "trials": []}
          ],
          "n_boost_levels": null,
          "boost_range_std": null
        }
        """;

    [Fact]
    public void Importing_a_paper_file_yields_records_with_verdicts_source_file_and_model_short_name()
    {
        var path = _folder.File("experiment_results_Meta-Llama-3.3-70B-Instruct_20251101_120000.json");
        File.WriteAllText(path, PaperFile);

        var results = PaperResultFile.Read(path);

        Assert.Equal(2, results.Trials.Count);
        var first = results.Trials[0];
        Assert.Equal((1, "steered", "Meta-Llama-3.3-70B-Instruct", 7580, 621104, 9.4), (first.Experiment, first.Condition, first.Model, first.Latent, first.Seed, first.Boost));
        Assert.Equal("claude-haiku-4-5-20251001", first.Judge);
        Assert.Equal(Path.GetFileName(path), first.SourceFile);
        Assert.Equal([0.0, 75.0], first.Verdict!.Attempts!.Select(a => a.Score!.Value));
        Assert.Equal("JSONDecodeError: Expecting value", results.Trials[1].Verdict!.Error);
        var summary = EsrMetrics.Summarize(results.Trials.Select(t => t.ToGradedTrial()));
        Assert.Equal((1, 1, 1), (summary.Included, summary.MultiAttempt, summary.Improved));
        Assert.True(results.Extras.ContainsKey("n_boost_levels"));
    }

    [Fact]
    public async Task Exporting_and_importing_again_gives_the_same_trials_and_config()
    {
        var path = _folder.File("experiment_results_x_20251101_120000_with_ablation.json");
        File.WriteAllText(path, PaperFile);
        var imported = PaperResultFile.Read(path);
        var exported = Path.Combine(_folder.Path, "out", "experiment_results_x_20251101_120000_with_ablation.json");

        await PaperResultFile.WriteAsync(exported, imported);
        var again = PaperResultFile.Read(exported);

        Assert.Equal(imported.Trials.Select(TrialJson.Line), again.Trials.Select(TrialJson.Line));
        Assert.True(JsonNode.DeepEquals(imported.ExperimentConfig, again.ExperimentConfig));
        Assert.All(again.Trials, t => Assert.Equal((3, "ablation"), (t.Experiment, t.Condition)));
        var features = JsonNode.Parse(File.ReadAllText(exported))!["results_by_feature"]!.AsArray();
        Assert.Equal(9.4, features[0]!["threshold"]!.GetValue<double>());
        Assert.Equal("Wait", features[0]!["trials"]![0]!["score"]!["attempts"]![1]!["attempt_text"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("experiment_results_x_20251101_120000_random_ablation_set2.json", "random_ablation_set2")]
    [InlineData("experiment_results_x_20251101_120000_matched_random_ablation_set1.json", "matched_random_ablation_set1")]
    [InlineData("experiment_results_x_20251101_120000_with_ablation.json", "ablation")]
    public void A_files_name_gives_experiment_10s_uniform_or_matched_set_apart(string name, string condition)
    {
        var path = _folder.File(name);
        File.WriteAllText(path, PaperFile);

        Assert.All(PaperResultFile.Read(path).Trials, t => Assert.Equal(condition, t.Condition));
    }

    [Fact]
    public void A_file_without_results_by_feature_is_an_error_naming_the_field()
    {
        var path = _folder.File("bad.json");
        File.WriteAllText(path, """{"experiment_config": {}}""");

        var error = Assert.Throws<InvalidDataException>(() => PaperResultFile.Read(path));
        Assert.Contains("results_by_feature", error.Message);
        Assert.Contains("bad.json", error.Message);
    }

    [Fact]
    public async Task A_paper_file_as_from_results_gives_its_latents_thresholds_and_prompts_dropping_failed_latents()
    {
        var path = _folder.File("experiment_results_x_20251101_120000.json");
        File.WriteAllText(path, PaperFile);
        var settings = ExperimentSettings.ForExperiment("1") with { Model = "x" };

        var plan = await ExperimentPlanner.PlanAsync(settings, new PlanInputs(1, ["unused"], l => $"l{l}", SourceResults.Load(path), null));

        var latent = Assert.Single(plan.Latents);
        Assert.Equal((7580, "Body positions", 9.4), (latent.Latent, latent.Label, latent.SourceThreshold!.Value));
        Assert.Equal(["Explain how to calculate probability.", "How do you tie a tie?"], latent.Prompts.Select(p => p.Prompt));
        Assert.All(latent.Prompts, p => Assert.Null(p.ReplaySeed));
    }

    [Theory]
    [InlineData("{\"mean\": 20.5, \"std\": 7}", 20.5, 7.0)]
    [InlineData("null", null, null)]
    public void A_sources_threshold_cache_statistics_come_from_the_paper_files_field(string field, double? mean, double? std)
    {
        var path = _folder.File("experiment_multi_boost_x_20251101_120000.json");
        File.WriteAllText(path, PaperFile.Replace("\"boost_range_std\": null", $"\"boost_range_std\": 3.0, \"threshold_cache_stats\": {field}", StringComparison.Ordinal));

        var source = SourceResults.Read(path);

        Assert.Equal(mean, source.ThresholdCacheStats?.Mean);
        Assert.Equal(std, source.ThresholdCacheStats?.Std);
        Assert.Equal(2, source.Trials.Count);
    }

    [Fact]
    public void Threshold_cache_statistics_without_numbers_are_an_error_naming_the_file_and_field()
    {
        var path = _folder.File("experiment_multi_boost_x_20251101_120000.json");
        File.WriteAllText(path, PaperFile.Replace("\"boost_range_std\": null", "\"boost_range_std\": 3.0, \"threshold_cache_stats\": {\"mean\": \"high\"}", StringComparison.Ordinal));

        var error = Assert.Throws<InvalidDataException>(() => SourceResults.Read(path));

        Assert.Contains("experiment_multi_boost_x_20251101_120000.json", error.Message);
        Assert.Contains("'threshold_cache_stats'", error.Message);
    }
}
