using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Esr.Kernel.Results;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>
/// A run in the paper's result layout (ESR_SPEC §5): one file per condition, named as the paper named them
/// (<c>experiment_results_&lt;model&gt;_&lt;ts&gt;[_suffix].json</c>, <c>experiment_multi_boost_...</c>,
/// <c>experiment_5_prompt_variants_&lt;model&gt;_&lt;variant&gt;_&lt;ts&gt;.json</c>), with the
/// <c>experiment_config</c> fields filled from the manifest and the experiment's extras (its <see cref="SteeringProtocol"/>).
/// </summary>
public static class PaperExport
{
    /// <summary>The files of a run: file name → content; the model name and condition keys in a name pass through <see cref="SafeFileName.From"/>.</summary>
    public static IReadOnlyList<(string FileName, PaperResults Results)> FromRun(RunManifest manifest, IReadOnlyList<TrialRecord> trials)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(trials);
        var settings = manifest.Config.Deserialize<ExperimentSettings>(TrialJson.Options)
            ?? throw new InvalidDataException("the manifest's config is null");
        var protocol = SteeringProtocols.Get(settings.Experiment);
        var stamp = manifest.CreatedUtc.UtcDateTime.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture);
        var model = SafeFileName.From(manifest.Model);
        var files = new List<(string, PaperResults)>();
        foreach (var condition in trials.GroupBy(t => t.Condition))
        {
            var config = Config(manifest, settings);
            var extras = new JsonObject
            {
                ["n_boost_levels"] = settings.BoostLevelCount,
                ["boost_range_std"] = settings.BoostLevelCount is null ? null : settings.BoostRangeStd,
            };
            protocol.AddPaperFields(config, extras, manifest, settings, condition.Key);
            var ablated = condition.First().AblatedLatents;
            if (ablated.Count > 0)
            {
                extras["ablated_latents"] = new JsonArray(ablated.Select(l => (JsonNode?)l).ToArray());
                extras["num_ablated_latents"] = ablated.Count;
            }
            files.Add((protocol.PaperFileName(model, stamp, condition.Key) + ".json", new PaperResults(config, condition.ToArray(), extras)));
        }
        return files;
    }

    /// <summary>
    /// Writes the files of the run in <paramref name="store"/> into <paramref name="outDirectory"/> (created), each
    /// name kept inside it (<see cref="SafeFileName.Inside"/>), atomically.
    /// </summary>
    /// <returns>The paths written, one per condition.</returns>
    /// <exception cref="InvalidDataException">The folder has no manifest, or it or a trial line is malformed.</exception>
    /// <exception cref="ArgumentException">The run's experiment is not a steering run.</exception>
    public static async Task<IReadOnlyList<string>> WriteAsync(RunStore store, string outDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var manifest = store.ReadManifest() ?? throw new InvalidDataException($"{store.ManifestPath}: missing");
        var paths = new List<string>();
        foreach (var (fileName, results) in FromRun(manifest, store.ReadTrials()))
        {
            var path = SafeFileName.Inside(outDirectory, fileName);
            await PaperResultFile.WriteAsync(path, results, cancellationToken).ConfigureAwait(false);
            paths.Add(path);
        }
        return paths;
    }

    private static JsonObject Config(RunManifest manifest, ExperimentSettings settings) => new()
    {
        ["prompts_file"] = "prompts.txt",
        ["model_name"] = manifest.Model,
        ["labels_file"] = null,
        ["judge_model_name"] = manifest.Judge,
        ["disable_steering"] = settings.NoSteering,
        ["target_score_normalized"] = settings.Calibration.Target,
        ["threshold_n_trials"] = settings.Calibration.Trials,
        ["threshold_samples_per_trial"] = settings.Calibration.SamplesPerTrial,
        ["per_prompt_calibration"] = false,
        ["threshold_lower_bound"] = settings.Calibration.Lower,
        ["threshold_upper_bound"] = settings.Calibration.Upper,
        ["threshold_prior_mean"] = settings.Calibration.PriorMean,
        ["threshold_prior_std"] = settings.Calibration.PriorStd,
        ["n_possible_seeds"] = RunSeeds.MaxSeed,
        ["seed_start"] = 0,
        ["max_completion_tokens"] = settings.MaxNewTokens,
        ["n_trials_per_feature"] = settings.TrialsPerFeature,
        ["n_features"] = settings.NFeatures,
        ["n_simultaneous_features"] = null,
        ["min_feature_concreteness"] = settings.MinConcreteness,
        ["source_results_file"] = settings.FromResults,
    };
}
