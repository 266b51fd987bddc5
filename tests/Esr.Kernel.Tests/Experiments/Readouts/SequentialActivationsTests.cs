using System.Text.Json;
using Esr.Kernel.Experiments.SequentialActivations;
using Esr.Kernel.Results;
using Esr.Kernel.Tests.Models;

namespace Esr.Kernel.Tests.Experiments.Readouts;

public class SequentialExampleTests
{
    [Fact]
    public void The_figure_6_example_loads_from_the_papers_data_file()
    {
        var example = SequentialExample.Load(PaperData.File("figure6_example.json"));

        Assert.Equal((7580, 621104, 9.4), (example.Latent, example.Seed, example.Threshold));
        Assert.Equal("Explain how to calculate probability.", example.Prompt);
        Assert.Contains("Wait, I made a mistake!", example.Response);
    }

    [Fact]
    public void A_missing_field_names_the_file_and_the_field()
    {
        using var folder = new TemporaryDirectory();
        File.WriteAllText(folder.File("example.json"), """{"feature_idx": 1, "feature_label": "x", "prompt": "p", "seed": 2, "response": "r"}""");

        var error = Assert.Throws<InvalidDataException>(() => SequentialExample.Load(folder.File("example.json")));

        Assert.Contains("example.json", error.Message);
        Assert.Contains("\"threshold\"", error.Message);
    }

    [Fact]
    public void Smoothing_halves_each_value_with_the_previous_smoothed_value()
    {
        // s0 = 4; s1 = 0.5·0 + 0.5·4 = 2; s2 = 0.5·2 + 0.5·2 = 2; s3 = 0.5·8 + 0.5·2 = 5.
        Assert.Equal([4, 2, 2, 5], SequentialActivationsResult.ExponentialSmoothing([4, 0, 2, 8]));
    }
}

[Collection(TinyChatModelCollection.Name)]
public class SequentialActivationsTests(TinyChatModel tiny)
{
    private static readonly SequentialExample Example = new(
        9, "knots", "Explain how to calculate probability.", 621104, 6.0,
        "\n\nKnots are tied in rope. Wait, I made a mistake! In reality, probability is a ratio of outcomes.");

    private static readonly SequentialActivationsOptions Options = new()
    {
        OffTopicDetectors = [3, 7, 11, 12],
        LatentsOfInterest = new Dictionary<int, string> { [12] = "backtracking" },
        Regions = [new("user prompt", 0), new("response", 20)],
    };

    [Fact]
    public void The_readout_while_steering_gives_per_token_series_regions_and_the_paper_schema()
    {
        using var folder = new TemporaryDirectory();

        var result = SequentialActivationsExperiment.Run(tiny.Readout, Example, Options);
        JsonResultFile.Write(folder.File("experiment_6_sequential_activations.json"), result.ToJson());
        var frame = result.ToDataFrame();

        var ids = tiny.Readout.ConversationIds(Example.Prompt, Example.Response);
        Assert.Equal(ids.Length, result.TokenStrings.Count);
        Assert.Equal(ids.Length, frame.Rows.Count);
        // Dead latent 3 never enters the sum, always-active 7 does, 12 is a latent of interest and is left out.
        Assert.Contains(7, result.SummedDetectors);
        Assert.DoesNotContain(3, result.SummedDetectors);
        Assert.DoesNotContain(12, result.SummedDetectors);
        for (int t = 0; t < ids.Length; t++)
        {
            double expected = result.SummedDetectors.Sum(d => (double)result.Activations[d][t]);
            Assert.Equal(expected, (double)frame["otd_sum"][t]!, 9);
            Assert.Equal(t < 20 ? "user prompt" : "response", (string)frame["region"][t]!);
        }
        var sums = Enumerable.Range(0, ids.Length).Select(t => (double)frame["otd_sum"][t]!).ToArray();
        Assert.Equal(SequentialActivationsResult.ExponentialSmoothing(sums), Enumerable.Range(0, ids.Length).Select(t => (double)frame["otd_sum_smoothed"][t]!));
        Assert.Equal((double)result.Activations[12][5], (double)frame["latent_12"][5]!, 9);
        Assert.True(result.CorrectionPosition > result.AssistantStart && result.OnTopicPosition > result.CorrectionPosition);

        var unsteered = SequentialActivationsExperiment.Run(tiny.Readout, Example, Options with { Steered = false });
        Assert.NotEqual(unsteered.Activations[9], result.Activations[9]);

        using var json = JsonDocument.Parse(File.ReadAllText(folder.File("experiment_6_sequential_activations.json")));
        var root = json.RootElement;
        var metadata = root.GetProperty("metadata");
        foreach (var field in new[] { "prompt", "response", "feature_idx", "feature_label", "seed", "threshold", "response_start", "assistant_start", "correction_pos", "distraction_pos", "on_topic_pos" })
            Assert.True(metadata.TryGetProperty(field, out _), field);
        Assert.Equal(0, metadata.GetProperty("response_start").GetInt32());
        Assert.Equal(ids.Length, root.GetProperty("activations").GetProperty("9").GetArrayLength());
        Assert.Equal(ids.Length, root.GetProperty("token_strings").GetArrayLength());
        Assert.Equal("backtracking", root.GetProperty("latents_of_interest").GetProperty("12").GetString());
        Assert.Equal(9, root.GetProperty("distractor_latent").GetInt32());
        Assert.Equal(JsonValueKind.Object, root.GetProperty("backtracking_latents").ValueKind);
    }
}
