using System.Globalization;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Esr.Kernel.Formats;
using Esr.Kernel.Results;

namespace Esr.Kernel.Experiments.Episodes;

/// <summary>
/// Activation collection (ESR_SPEC §7.2 step 4): for each valid episode, an unsteered readout of its [prompt,
/// response] conversation (teacher-forced, unlike Exp 6), keeping the chosen latents at every token, and the
/// annotated boundaries mapped to tokens.
/// </summary>
public static class ActivationCollection
{
    /// <summary>Reads the episodes whose annotation is valid (the others are skipped).</summary>
    public static IReadOnlyList<EpisodeActivations> Collect(
        ReadoutSetup model, IReadOnlyList<(Episode Episode, BoundaryAnnotation Annotation)> episodes, IReadOnlyList<int> latents,
        BoundaryMapping mapping = BoundaryMapping.Paper, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(episodes);
        ArgumentNullException.ThrowIfNull(latents);
        var read = latents.Distinct().ToList();
        var collected = new List<EpisodeActivations>();
        foreach (var (episode, annotation) in episodes)
        {
            if (!annotation.Valid) continue;
            cancellationToken.ThrowIfCancellationRequested();
            var (ids, strings, start, activations) = ReadOne(model, episode, read);
            var (off, correction, on) = TokenAlignment.Boundaries(strings, start, episode.Trial.Response, annotation, mapping);
            collected.Add(new EpisodeActivations(episode, annotation, strings, start, off, correction, on, activations));
        }
        return collected;
    }

    /// <summary>Reads baseline episodes (no boundaries; the response runs from the response start to the end).</summary>
    public static IReadOnlyList<EpisodeActivations> CollectBaseline(
        ReadoutSetup model, IReadOnlyList<Episode> episodes, IReadOnlyList<int> latents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(episodes);
        var read = latents.Distinct().ToList();
        return episodes.Select(episode =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (_, strings, start, activations) = ReadOne(model, episode, read);
            return new EpisodeActivations(episode, BoundaryAnnotation.Failed(null, "baseline episode"), strings, start, -1, -1, -1, activations);
        }).ToList();
    }

    /// <summary>The file <see cref="Write"/> names each episode's tokens and boundaries in.</summary>
    public const string MetadataFile = "episode_metadata.json";

    /// <summary>
    /// Writes <c>episode_metadata.json</c> and <c>activations/&lt;episode_id&gt;.npz</c> (one float32 array per
    /// latent id string) into <paramref name="folder"/> (the paper's <c>activation_stats</c> folder).
    /// </summary>
    public static void Write(string folder, IReadOnlyList<EpisodeActivations> episodes, IReadOnlyList<int> offTopicDetectors, IReadOnlyList<int> backtrackingLatents)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        var metadata = new JsonObject
        {
            ["n_episodes"] = episodes.Count,
            ["off_topic_detectors"] = JsonResultFile.Integers(offTopicDetectors),
            ["backtracking_latents"] = JsonResultFile.Integers(backtrackingLatents),
            ["episodes"] = new JsonArray(episodes.Select(e => (JsonNode)new JsonObject
            {
                ["episode_id"] = e.Episode.Id,
                ["prompt"] = e.Episode.Trial.Prompt,
                ["response"] = e.Episode.Trial.Response,
                ["token_strings"] = new JsonArray(e.TokenStrings.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()),
                ["response_start_token"] = e.ResponseStartToken,
                ["off_topic_start_token"] = e.OffTopicToken,
                ["correction_start_token"] = e.CorrectionToken,
                ["on_topic_start_token"] = e.OnTopicToken,
                ["off_topic_char_start"] = e.Annotation.OffTopicCharStart,
                ["correction_char_start"] = e.Annotation.CorrectionCharStart,
                ["on_topic_char_start"] = e.Annotation.OnTopicCharStart,
            }).ToArray()),
        };
        JsonResultFile.Write(Path.Combine(folder, MetadataFile), metadata);
        var arrays = Directory.CreateDirectory(Path.Combine(folder, "activations")).FullName;
        foreach (var episode in episodes) WriteNpz(Path.Combine(arrays, $"{episode.Episode.Id}.npz"), episode.Activations);
    }

    /// <summary>Writes a NumPy <c>.npz</c> archive: one <c>&lt;name&gt;.npy</c> float32 vector per entry, atomically.</summary>
    public static void WriteNpz(string path, IReadOnlyDictionary<int, float[]> arrays)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        AtomicFile.Write(path, temporary =>
        {
            using var zip = ZipFile.Open(temporary, ZipArchiveMode.Create);
            foreach (var (latent, values) in arrays)
            {
                using var entry = zip.CreateEntry($"{latent.ToString(CultureInfo.InvariantCulture)}.npy", CompressionLevel.NoCompression).Open();
                NpyVector.Write(entry, values);
            }
        });
    }

    private static (int[] Ids, IReadOnlyList<string> Strings, int Start, IReadOnlyDictionary<int, float[]> Activations) ReadOne(
        ReadoutSetup model, Episode episode, IReadOnlyList<int> latents)
    {
        var ids = model.ConversationIds(episode.Trial.Prompt, episode.Trial.Response);
        var strings = model.TokenStrings(ids);
        var trace = model.Read(ids, latents);
        return (ids, strings, TokenAlignment.ResponseStart(strings), latents.ToDictionary(l => l, trace.Of));
    }
}
