using System.Text.Json;
using Esr.Kernel.Experiments;
using Esr.Kernel.Experiments.Detectors;
using Esr.Kernel.Generation;
using Esr.Kernel.Results;
using Esr.Kernel.Tests.Models;

namespace Esr.Kernel.Tests.Experiments.Readouts;

public class DetectorRuleTests
{
    [Fact]
    public void Detectors_are_silent_on_every_normal_sample_and_fire_on_80_percent_of_shuffled_ones()
    {
        int[] latents = [10, 11, 12, 13, 14];
        float[][] normal = [[0, 0, 0, 0, 0], [0, 0, 0.5f, 0, 0], [0, 1e-9f, 0, 0, 0]];
        float[][] shuffled =
        [
            [1, 2, 0, 1, 0.5f], [1, 2, 1, 1, 0.5f], [1, 2, 1, 1, 0.5f], [1, 2, 1, 0, 0.5f], [0, 2, 1, 0, 0.5f],
        ];

        var detectors = new DetectorRule().Find(latents, normal, shuffled);

        // 12 fires on a normal sample; 13 on only 60 % of the shuffled ones. Sorted by shuffled share, then mean.
        Assert.Equal([11, 14, 10], detectors.Select(d => d.Latent));
        var eleven = detectors[0];
        Assert.Equal(2.0, eleven.ShuffledMean, 12);
        Assert.Equal(1e-9 / 3, eleven.NormalMean, 15);
        Assert.Equal(1.0 / 3, eleven.NormalActiveFraction, 12); // > 0 counts the 1e-9
        Assert.Equal(0, eleven.NormalAboveEpsilonFraction);    // ≥ ε does not
        Assert.Equal(2.0 / (eleven.NormalMean + 1e-8), eleven.Ratio, 6);
        var ten = detectors[2];
        Assert.Equal((0.8, 0.8, 0.8), (ten.ShuffledMean, ten.ShuffledActiveFraction, ten.ShuffledAboveEpsilonFraction));
    }

    [Fact]
    public void A_derangement_is_a_permutation_without_fixed_points()
    {
        for (int n = 2; n <= 12; n++)
            for (int seed = 0; seed < 20; seed++)
            {
                var permutation = Derangement.Draw(n, new Random(seed));
                Assert.Equal(Enumerable.Range(0, n), permutation.Order());
                Assert.All(Enumerable.Range(0, n), i => Assert.NotEqual(i, permutation[i]));
            }
        Assert.Throws<ArgumentOutOfRangeException>(() => Derangement.Draw(1, new Random(0)));
    }

    [Fact]
    public void Detector_files_are_read_by_their_off_topic_detectors_field()
    {
        Assert.Equal(OffTopicDetectorSets.Paper26, OffTopicDetectorSets.Read(PaperData.File("off_topic_detectors_paper26.json")));
        using var folder = new TemporaryDirectory();
        File.WriteAllText(folder.File("bad.json"), """{"off_topic_detectors": ["a"]}""");
        var error = Assert.Throws<InvalidDataException>(() => OffTopicDetectorSets.Read(folder.File("bad.json")));
        Assert.Contains("off_topic_detectors", error.Message);
    }
}

[Collection(TinyChatModelCollection.Name)]
public class DetectorDiscoveryTests(TinyChatModel tiny)
{
    private static readonly string[] Prompts = ["Explain how to tie a tie.", "How do you bake bread?", "Explain how to park a car."];

    [Fact]
    public void Discovery_on_a_tiny_model_finds_the_latents_dead_on_normal_samples_and_writes_the_paper_schema()
    {
        using var folder = new TemporaryDirectory();
        var options = new DetectorDiscoveryOptions
        {
            Seed = 4, Sampling = new SamplingOptions(MaxNewTokens: 6), Rule = new DetectorRule(MinShuffledFraction: 0),
            ModelName = "tiny", PromptsFile = "prompts.txt",
        };

        var result = DetectorDiscovery.Run(tiny.Readout, Prompts, options);
        JsonResultFile.Write(folder.File("off_topic_detectors_tiny.json"), result.ToJson());

        // With no shuffled share required, the detectors are exactly the latents below ε on every normal sample;
        // the never-active latents are among them and the always-active one is not.
        Assert.Superset(TinyChatModel.DeadLatents.ToHashSet(), result.Detectors.Select(d => d.Latent).ToHashSet());
        Assert.DoesNotContain(TinyChatModel.AlwaysActiveLatent, result.Detectors.Select(d => d.Latent));
        foreach (var (prompt, response) in Prompts.Zip(result.NormalResponses))
        {
            var pooled = tiny.Readout.Read(tiny.Readout.ConversationIds(prompt, response), null).MaxPool();
            Assert.All(result.Detectors, d => Assert.True(pooled[d.Latent] < 1e-8));
        }
        Assert.All(Enumerable.Range(0, Prompts.Length), i => Assert.NotEqual(i, result.Permutation[i]));
        Assert.All(result.Seeds, s => Assert.InRange(s, 0, 1_000_000));

        using var json = JsonDocument.Parse(File.ReadAllText(folder.File("off_topic_detectors_tiny.json")));
        var root = json.RootElement;
        Assert.Equal("tiny", root.GetProperty("model_name").GetString());
        Assert.Equal(3, root.GetProperty("num_prompts").GetInt32());
        Assert.Equal(1e-8, root.GetProperty("activation_threshold").GetDouble());
        Assert.Equal(result.Detectors.Select(d => d.Latent), root.GetProperty("off_topic_detectors").EnumerateArray().Select(e => e.GetInt32()));
        var stats = root.GetProperty("detector_stats").GetProperty("3");
        foreach (var field in new[] { "shuffled_mean_activation", "normal_mean_activation", "shuffled_active_frequency", "normal_active_frequency", "nonzero_shuffled_pct", "nonzero_normal_pct", "activation_ratio" })
            Assert.True(stats.TryGetProperty(field, out _), field);
        Assert.Equal(Prompts, root.GetProperty("normal_responses").EnumerateObject().Select(p => p.Name));
        Assert.Equal(result.Detectors.Count, result.ToDataFrame().Rows.Count);

        var again = DetectorDiscovery.Run(tiny.Readout, Prompts, options with { Latents = [3, 5, 7, 9] });
        Assert.Equal(result.NormalResponses, again.NormalResponses); // same seed, same responses
        Assert.Equal(result.Detectors.Where(d => d.Latent is 3 or 5 or 7 or 9).Select(d => d.Latent).Order(), again.Detectors.Select(d => d.Latent).Order());
    }
}
