namespace Esr.LlamaCpp.Tests;

/// <summary>llama.cpp on the exported GGUF against a float64 forward pass on the Hugging Face weights.</summary>
[Collection(TinyModelsCollection.Name)]
public sealed class ReferenceParityTests(TinyModels models)
{
    public static TheoryData<string> PresetNames => new(TinyModels.Presets.Select(p => p.Name));

    // ggml's Gemma-2 GELU reads an fp16 table: ~1e-3 per activation, larger after the soft caps.
    private static double Tolerance(string preset) => preset.StartsWith("gemma", StringComparison.Ordinal) ? 5e-3 : 2e-5;

    private static int[] Tokens(int vocab) => Enumerable.Range(0, 16).Select(i => (i * 37 + 5) % vocab).ToArray();

    private static double MaxAbsDifference(float[][] actual, double[][] expected) =>
        actual.Select((row, t) => row.Select((value, i) => Math.Abs(value - expected[t][i])).Max()).Max();

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void Llama_cpp_logits_match_a_float64_forward_pass_on_the_original_weights(string preset)
    {
        var model = models[preset];
        var tokens = Tokens(model.VocabSize);
        var expected = new ReferenceTransformer(models.CheckpointDirectory(preset)).Forward(tokens).Logits;
        var difference = MaxAbsDifference(model.Logits(tokens), expected);
        Assert.True(difference < Tolerance(preset), $"max |Δlogit| = {difference:E2}");
    }

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void Block_outputs_match_the_residual_stream_of_the_float64_forward_pass(string preset)
    {
        var model = models[preset];
        var tokens = Tokens(model.VocabSize);
        var expected = new ReferenceTransformer(models.CheckpointDirectory(preset)).Forward(tokens).BlockOutputs;
        for (var block = 0; block < model.LayerCount; block++)
        {
            var difference = MaxAbsDifference(model.HiddenStates(tokens, block), expected[block]);
            Assert.True(difference < Tolerance(preset), $"block {block}: max |Δh| = {difference:E2}");
        }
    }

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void Steered_logits_match_adding_the_vector_to_the_block_output_in_the_float64_forward_pass(string preset)
    {
        var model = models[preset];
        var tokens = Tokens(model.VocabSize);
        var random = new Random(7);
        var steering = new List<(int Block, float[] Vector)>
        {
            (1, Enumerable.Range(0, model.EmbeddingSize).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray()),
        };
        var expected = new ReferenceTransformer(models.CheckpointDirectory(preset)).Forward(tokens, steering).Logits;
        var difference = MaxAbsDifference(model.Logits(tokens, steering), expected);
        Assert.True(difference < Tolerance(preset), $"max |Δlogit| = {difference:E2}");
    }
}
