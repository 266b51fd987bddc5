using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Analysis;
using Esr.Kernel.Results;

namespace Esr.Kernel.Experiments.SequentialActivations;

/// <summary>Experiment 6's readout of one example.</summary>
/// <param name="Example">The example.</param>
/// <param name="TokenStrings">Each token of the templated conversation decoded on its own.</param>
/// <param name="Activations">Per latent read, its activation at every token.</param>
/// <param name="AssistantStart">The response's first token by the episode pipeline's rule.</param>
/// <param name="CorrectionPosition">Token of the correction phrase (−1 when absent).</param>
/// <param name="OnTopicPosition">Token of the on-topic phrase (−1 when absent).</param>
/// <param name="Options">The settings used.</param>
public sealed record SequentialActivationsResult(
    SequentialExample Example, IReadOnlyList<string> TokenStrings, IReadOnlyDictionary<int, float[]> Activations,
    int AssistantStart, int CorrectionPosition, int OnTopicPosition, SequentialActivationsOptions Options)
{
    /// <summary>The detectors summed: those whose largest activation exceeds the threshold, latents of interest left out.</summary>
    public IReadOnlyList<int> SummedDetectors => Options.OffTopicDetectors
        .Where(d => !Options.LatentsOfInterest.ContainsKey(d) && Activations[d].DefaultIfEmpty().Max() > Options.SumThreshold).ToList();

    /// <summary>
    /// One row per token of the whole templated sequence (x = position, response_start = 0): token, region, the
    /// distractor's activation, the detector sum, each latent of interest (<c>latent_&lt;id&gt;</c>), and the
    /// exponentially smoothed series (<c>_smoothed</c>, s_t = 0.5·x_t + 0.5·s_{t−1}, s_0 = x_0).
    /// </summary>
    public DataFrame ToDataFrame()
    {
        int n = TokenStrings.Count;
        var summed = SummedDetectors;
        var sum = Enumerable.Range(0, n).Select(t => summed.Sum(d => (double)Activations[d][t])).ToArray();
        var columns = new List<DataFrameColumn>
        {
            new Int32DataFrameColumn("position", Enumerable.Range(0, n)),
            new StringDataFrameColumn("token", TokenStrings),
            new StringDataFrameColumn("region", Enumerable.Range(0, n).Select(RegionOf)),
            new DoubleDataFrameColumn("distractor", Activations[Example.Latent].Select(v => (double)v)),
            new DoubleDataFrameColumn("otd_sum", sum),
            new DoubleDataFrameColumn("otd_sum_smoothed", ExponentialSmoothing(sum)),
        };
        foreach (var latent in Options.LatentsOfInterest.Keys.Order())
        {
            var series = Activations[latent].Select(v => (double)v).ToArray();
            columns.Add(new DoubleDataFrameColumn($"latent_{latent}", series));
            columns.Add(new DoubleDataFrameColumn($"latent_{latent}_smoothed", ExponentialSmoothing(series)));
        }
        return new DataFrame(columns);
    }

    /// <summary>The paper's <c>experiment_6_sequential_activations.json</c>.</summary>
    public JsonObject ToJson()
    {
        var activations = new JsonObject();
        foreach (var (latent, values) in Activations.OrderBy(p => p.Key))
            activations[latent.ToString(CultureInfo.InvariantCulture)] = JsonResultFile.Numbers(values.Select(v => (double)v));
        return new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["prompt"] = Example.Prompt,
                ["response"] = Example.Response,
                ["feature_idx"] = Example.Latent,
                ["feature_label"] = Example.Label,
                ["seed"] = Example.Seed,
                ["threshold"] = Example.Threshold,
                ["response_start"] = 0,
                ["assistant_start"] = AssistantStart,
                ["correction_pos"] = CorrectionPosition,
                ["distraction_pos"] = AssistantStart,
                ["on_topic_pos"] = OnTopicPosition,
            },
            ["activations"] = activations,
            ["token_strings"] = new JsonArray(TokenStrings.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()),
            ["off_topic_detectors"] = new JsonArray(Options.OffTopicDetectors.Select(d => (JsonNode)JsonValue.Create(d)).ToArray()),
            ["backtracking_latents"] = new JsonObject(),
            ["latents_of_interest"] = new JsonObject(Options.LatentsOfInterest.OrderBy(p => p.Key)
                .Select(p => KeyValuePair.Create(p.Key.ToString(CultureInfo.InvariantCulture), (JsonNode?)JsonValue.Create(p.Value)))),
            ["distractor_latent"] = Example.Latent,
            // Not in the paper's file, whose figure hard-codes its example's regions: the regions of this readout.
            ["regions"] = new JsonArray(Options.Regions.Select(r => (JsonNode)new JsonObject { ["name"] = r.Name, ["start"] = r.Start }).ToArray()),
        };
    }

    /// <summary>s_0 = x_0, s_t = 0.5·x_t + 0.5·s_{t−1}.</summary>
    public static double[] ExponentialSmoothing(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var smoothed = new double[values.Count];
        for (int t = 0; t < values.Count; t++) smoothed[t] = t == 0 ? values[0] : 0.5 * values[t] + 0.5 * smoothed[t - 1];
        return smoothed;
    }

    private string RegionOf(int position) =>
        Options.Regions.Where(r => r.Start <= position).OrderBy(r => r.Start).LastOrDefault()?.Name ?? "";
}
