using Esr.Kernel.Experiments;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Tests.Models;

namespace Esr.Kernel.Tests.Experiments.Runs;

public sealed class ExperimentSettingsTests : IDisposable
{
    private readonly TemporaryDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Paper_defaults_follow_the_spec_for_the_70b_boost_sweep_and_ablation_configs()
    {
        var sweep = ExperimentSettings.ForExperiment("2", PaperConfigurations.Llama70B);
        var ablation = ExperimentSettings.ForExperiment("3", PaperConfigurations.Llama70B);

        Assert.Equal((10, 3.0, 300, 0.5, 20, 100.0, 20.0, 20.0, 5), (sweep.BoostLevelCount!.Value, sweep.BoostRangeStd, sweep.NFeatures,
            sweep.Calibration.Target, sweep.Calibration.Trials, sweep.Calibration.Upper, sweep.Calibration.PriorMean, sweep.Calibration.PriorStd,
            sweep.Calibration.SamplesPerTrial));
        Assert.Equal((1.2, 33, 50, 512, 1, 0.3), (ablation.RepetitionPenalty, ablation.SteeringBlock, ablation.NFeatures, ablation.CalibrationMaxTokens,
            ablation.Calibration.SamplesPerTrial, ablation.Calibration.Target));
        Assert.Equal((0.6, 512, 256, true), (sweep.Temperature, sweep.MaxNewTokens, sweep.CalibrationMaxTokens, sweep.PaperExtraAssistantHeader));
        Assert.Equal([1.2, 1.15, 1.1, 1.1], new[] { "x/Llama-3.3-70B", "llama-3.1-8b-instruct", "gemma-2-9b-it", "mine" }.Select(ExperimentSettings.RepetitionPenaltyFor));
    }

    [Fact]
    public void A_config_file_overrides_only_the_fields_it_names()
    {
        var path = _folder.File("settings.json");
        File.WriteAllText(path, """{"n_features": 7, "calibration": {"target": 0.4, "trials": 3, "lower": 0, "upper": 9, "prior_mean": 1, "prior_std": 2}, "relevance_filter": "top100"}""");

        var settings = ExperimentSettings.Load(path, ExperimentSettings.ForExperiment("1") with { Model = "m" });

        Assert.Equal((7, "m", 0.4, 9.0, RelevanceRule.Top100, 5), (settings.NFeatures, settings.Model, settings.Calibration.Target,
            settings.Calibration.Upper, settings.RelevanceFilter, settings.TrialsPerFeature));
    }

    [Fact]
    public void An_unknown_config_field_is_an_error_naming_file_and_field()
    {
        var path = _folder.File("settings.json");
        File.WriteAllText(path, """{"n_featurez": 7}""");

        var error = Assert.Throws<InvalidDataException>(() => ExperimentSettings.Load(path, new ExperimentSettings()));
        Assert.Contains("settings.json: unknown field 'n_featurez'", error.Message);
    }

    [Theory]
    [InlineData("""{"trials_per_feature": -1}""", "field 'trials_per_feature' is -1 (expected at least 1)")]
    [InlineData("""{"n_features": 0}""", "field 'n_features' is 0 (expected at least 1)")]
    [InlineData("""{"boost_level_count": 1}""", "field 'boost_level_count' is 1 (expected at least 2)")]
    [InlineData("""{"boost_range_std": 0}""", "field 'boost_range_std' is 0 (expected a positive number)")]
    public void A_count_out_of_range_is_an_error_naming_file_field_and_the_least_value(string json, string message)
    {
        var path = _folder.File("settings.json");
        File.WriteAllText(path, json);

        var error = Assert.Throws<InvalidDataException>(() => ExperimentSettings.Load(path, new ExperimentSettings()));
        Assert.Equal($"{path}: {message}", error.Message);
    }
}
