using System.Text.Json.Nodes;
using Esr.Kernel.Results;

namespace Esr.Kernel.Experiments.Episodes;

/// <summary>
/// Experiment 9 end to end (ESR_SPEC §7.2): episodes from the trials, boundary annotation, unsteered activation
/// collection, region statistics, baseline; writes the paper's files into the output folder (its
/// <c>activation_stats</c> folder): <c>backtracking_latent_candidates.json</c> (when labels are given),
/// <c>episodes.json</c>, <c>episodes_annotated.json</c>, <c>episode_metadata.json</c>,
/// <c>activations/&lt;id&gt;.npz</c>, <c>analysis_results.json</c>, <c>summary_table.tex</c>, <c>otd_table.tex</c>,
/// <c>backtracking_table.tex</c>, <c>baseline_stats.json</c>.
/// </summary>
public static class EpisodePipeline
{
    /// <summary>Runs the pipeline.</summary>
    /// <param name="model">The model and SAE to read with (the paper: 70B, block 50).</param>
    /// <param name="trials">The trials (the paper: all 70B result files except no-steering ones).</param>
    /// <param name="annotator">The boundary annotator.</param>
    /// <param name="outputDirectory">Where the files go.</param>
    /// <param name="labels">Latent labels for the keyword search; null skips it.</param>
    /// <param name="options">Settings; the paper's when null.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static async Task<EpisodePipelineResult> RunAsync(
        ReadoutSetup model, IReadOnlyList<TrialRecord> trials, IBoundaryAnnotator annotator, string outputDirectory,
        IEnumerable<(int Latent, string Label)>? labels = null, EpisodePipelineOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(annotator);
        options ??= new EpisodePipelineOptions();
        Directory.CreateDirectory(outputDirectory);
        var labelled = labels?.ToList();
        if (labelled is not null)
        {
            var candidates = BacktrackingKeywords.Candidates(labelled);
            JsonResultFile.Write(Path.Combine(outputDirectory, "backtracking_latent_candidates.json"), new JsonArray(candidates
                .Select(c => (JsonNode)new JsonObject { ["feature_index"] = c.Latent, ["label"] = c.Label, ["score"] = c.Score }).ToArray()));
        }

        var episodes = EpisodeExtraction.Extract(trials, options.IncludeAblationTrials);
        JsonResultFile.Write(Path.Combine(outputDirectory, "episodes.json"), EpisodeExtraction.ToJson(episodes));

        var annotations = await annotator.AnnotateAsync(episodes, cancellationToken).ConfigureAwait(false);
        JsonResultFile.Write(Path.Combine(outputDirectory, "episodes_annotated.json"), AnnotatedJson(episodes, annotations));

        var latents = options.OffTopicDetectors.Concat(options.BacktrackingLatents).Distinct().ToList();
        var activations = ActivationCollection.Collect(model, episodes.Zip(annotations).ToList(), latents, options.Mapping, cancellationToken);
        ActivationCollection.Write(outputDirectory, activations, options.OffTopicDetectors, options.BacktrackingLatents);

        var otd = RegionStatistics.ForGroup(activations, options.OffTopicDetectors, options.Wilcoxon);
        var backtracking = RegionStatistics.ForGroup(activations, options.BacktrackingLatents, options.Wilcoxon);
        JsonResultFile.Write(Path.Combine(outputDirectory, "analysis_results.json"), RegionStatistics.AnalysisJson(activations.Count, otd, backtracking));
        var byLatent = labelled?.GroupBy(l => l.Latent).ToDictionary(g => g.Key, g => g.First().Label);
        Func<int, string>? label = byLatent is null ? null : l => byLatent.TryGetValue(l, out var text) ? text : "";
        WriteText(Path.Combine(outputDirectory, "summary_table.tex"), EpisodeTables.Summary(otd.Group, backtracking.Group));
        WriteText(Path.Combine(outputDirectory, "otd_table.tex"), EpisodeTables.OffTopicDetectors(otd.Latents, label));
        WriteText(Path.Combine(outputDirectory, "backtracking_table.tex"), EpisodeTables.Backtracking(backtracking.Latents, label));

        var baselineEpisodes = EpisodeExtraction.Baseline(trials, options.BaselineLimit, options.BaselineSeed, options.BaselineMinimumScore);
        var baseline = BaselineStatistics.Of(
            ActivationCollection.CollectBaseline(model, baselineEpisodes, latents, cancellationToken), options.OffTopicDetectors, options.BacktrackingLatents);
        JsonResultFile.Write(Path.Combine(outputDirectory, "baseline_stats.json"), baseline.ToJson());

        var overlay = AlignedOverlay.Build(activations, [("otd", options.OffTopicDetectors), ("bt", options.BacktrackingLatents)], options.WindowBefore, options.WindowAfter);
        return new EpisodePipelineResult(episodes, annotations, activations, otd, backtracking, baseline, overlay, AlignedOverlay.MedianCorrectionLength(activations));
    }

    private static void WriteText(string path, string text) => AtomicFile.Write(path, temporary => File.WriteAllText(temporary, text));

    private static JsonObject AnnotatedJson(IReadOnlyList<Episode> episodes, IReadOnlyList<BoundaryAnnotation> annotations) => new()
    {
        ["n_episodes"] = episodes.Count,
        ["n_valid"] = annotations.Count(a => a.Valid),
        ["episodes"] = new JsonArray(episodes.Zip(annotations, (e, a) =>
        {
            var json = EpisodeExtraction.EpisodeJson(e);
            json["boundary_annotations"] = new JsonObject
            {
                ["off_topic_char_start"] = a.OffTopicCharStart,
                ["correction_char_start"] = a.CorrectionCharStart,
                ["on_topic_char_start"] = a.OnTopicCharStart,
                ["correction_phrase"] = a.CorrectionPhrase,
                ["notes"] = a.Notes,
                ["valid"] = a.Valid,
                ["error"] = a.Error,
                ["raw_response"] = a.RawResponse,
            };
            return (JsonNode)json;
        }).ToArray()),
    };
}
