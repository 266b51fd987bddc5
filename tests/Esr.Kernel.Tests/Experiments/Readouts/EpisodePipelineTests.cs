using System.IO.Compression;
using System.Text.Json;
using Esr.Kernel.Experiments.Episodes;
using Esr.Kernel.Formats;
using Esr.Kernel.Tests.Models;

namespace Esr.Kernel.Tests.Experiments.Readouts;

[Collection(TinyChatModelCollection.Name)]
public class EpisodePipelineTests(TinyChatModel tiny)
{
    private const string Response = "\n\nKnees bend in yoga poses. Wait, I made a mistake! Probability is favourable over possible outcomes.";

    [Fact]
    public async Task The_pipeline_writes_episodes_annotations_activations_statistics_and_baseline()
    {
        using var folder = new TemporaryDirectory();
        var trials = new[]
        {
            Trials.Make(9, 1, ScriptedJudge.Scores(0, 75), response: Response, prompt: "Explain probability."),
            Trials.Make(9, 2, ScriptedJudge.Scores(10, 60), response: Response.Replace("yoga", "ballet", StringComparison.Ordinal), prompt: "Explain odds."),
            Trials.Make(9, 3, ScriptedJudge.Scores(5, 60), response: "mumble mumble", prompt: "Explain dice."),
            Trials.Make(4, 4, ScriptedJudge.Scores(80), response: "\n\nProbability is a ratio.", prompt: "Explain chance."),
        };
        using var client = new ScriptedChatClient(user => user.Contains("mumble", StringComparison.Ordinal)
            ? "```json\n{\"off_topic_char_start\": -1, \"correction_char_start\": -1, \"on_topic_char_start\": -1}\n```"
            : "```json\n{\"off_topic_char_start\": 2, \"correction_char_start\": 30, \"on_topic_char_start\": 54}\n```");
        var options = new EpisodePipelineOptions { OffTopicDetectors = [3, 7, 11], BacktrackingLatents = [7, 12], WindowBefore = 10, WindowAfter = 10 };

        var result = await EpisodePipeline.RunAsync(
            tiny.Readout, trials, new BoundaryAnnotator(client), folder.Path, [(12, "Self-correction after an error"), (13, "cake")], options);

        Assert.Equal(3, result.Episodes.Count);
        Assert.Equal(2, result.Activations.Count); // the mumbled one is annotated -1, invalid
        var first = result.Activations[0];
        var ids = tiny.Readout.ConversationIds("Explain probability.", Response);
        Assert.Equal(ids.Length, first.Length);
        Assert.Equal(TokenAlignment.ResponseStart(tiny.Readout.TokenStrings(ids)), first.ResponseStartToken);
        Assert.Equal(TokenAlignment.CharToToken(first.TokenStrings, first.ResponseStartToken, 30), first.CorrectionToken);
        var alone = tiny.Readout.Read(ids, [11]).Of(11); // unsteered readout of the same tokens
        Assert.All(alone.Zip(first.Activations[11]), pair => Assert.Equal(pair.First, pair.Second, 1e-5f));
        Assert.Equal((3, 2), (result.OffTopicDetectors.Group.LatentCount, result.Backtracking.Group.LatentCount));
        Assert.Equal(20, result.Overlay.Rows.Count);
        var bars = result.BaselineComparison();
        Assert.Equal(result.OffTopicDetectors.Group.OffTopicMean, (double)bars["mean"][0]!, 12);
        Assert.Equal(result.Baseline.OffTopicDetectorMeans.Single(), (double)bars["mean"][2]!, 12);
        Assert.Equal(1.0, (double)bars["ratio_to_baseline"][2]!, 12); // latent 7 is always active, so the baseline is not 0
        var summary = result.SummaryTable();
        Assert.Equal(["OTDs (3)", "Backtracking (2)"], [(string)summary["group"][0], (string)summary["group"][1]]);
        Assert.Equal(result.Backtracking.Group.CohensD, (double)summary["cohens_d"][1]!, 12);

        using (var annotated = JsonDocument.Parse(File.ReadAllText(folder.File("episodes_annotated.json"))))
        {
            Assert.Equal((3, 2), (annotated.RootElement.GetProperty("n_episodes").GetInt32(), annotated.RootElement.GetProperty("n_valid").GetInt32()));
            Assert.Equal(30, annotated.RootElement.GetProperty("episodes")[0].GetProperty("boundary_annotations").GetProperty("correction_char_start").GetInt32());
        }
        using (var metadata = JsonDocument.Parse(File.ReadAllText(folder.File("episode_metadata.json"))))
        {
            var episode = metadata.RootElement.GetProperty("episodes")[0];
            Assert.Equal("ep_0001", episode.GetProperty("episode_id").GetString());
            Assert.Equal(first.CorrectionToken, episode.GetProperty("correction_start_token").GetInt32());
            Assert.Equal(ids.Length, episode.GetProperty("token_strings").GetArrayLength());
            Assert.Equal([3, 7, 11], metadata.RootElement.GetProperty("off_topic_detectors").EnumerateArray().Select(e => e.GetInt32()));
        }
        using (var zip = ZipFile.OpenRead(folder.File(Path.Combine("activations", "ep_0001.npz"))))
        {
            Assert.Equal(["11.npy", "12.npy", "3.npy", "7.npy"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
            var extracted = folder.File("7.npy");
            zip.GetEntry("7.npy")!.ExtractToFile(extracted);
            Assert.Equal(first.Activations[7], NpyVector.Read(extracted));
        }
        using (var analysis = JsonDocument.Parse(File.ReadAllText(folder.File("analysis_results.json"))))
        {
            var root = analysis.RootElement;
            Assert.Equal(2, root.GetProperty("n_episodes").GetInt32());
            Assert.Equal(3, root.GetProperty("otd_group").GetProperty("n_latents").GetInt32());
            var seven = root.GetProperty("otd_latent_stats").GetProperty("7");
            Assert.Equal(result.OffTopicDetectors.Latents.Single(l => l.Latent == 7).OffTopic.Mean, seven.GetProperty("off_topic").GetProperty("mean").GetDouble(), 12);
            foreach (var field in new[] { "wilcoxon_p", "ttest_p", "cohens_d", "cliffs_delta" }) Assert.True(seven.TryGetProperty(field, out _), field);
        }
        using (var baseline = JsonDocument.Parse(File.ReadAllText(folder.File("baseline_stats.json"))))
            Assert.Equal(1, baseline.RootElement.GetProperty("n_episodes").GetInt32());
        using (var candidates = JsonDocument.Parse(File.ReadAllText(folder.File("backtracking_latent_candidates.json"))))
            Assert.Equal(12, candidates.RootElement.EnumerateArray().Single().GetProperty("feature_index").GetInt32());
        Assert.Equal(3, JsonDocument.Parse(File.ReadAllText(folder.File("episodes.json"))).RootElement.GetArrayLength());
        Assert.Contains("OTDs (3)", File.ReadAllText(folder.File("summary_table.tex")));
        Assert.Contains("12 & Self-correction after an error & ", File.ReadAllText(folder.File("backtracking_table.tex")));
        Assert.Contains(@"\begin{tabular}", File.ReadAllText(folder.File("otd_table.tex")));
    }
}
