using Esr.Kernel.Generation;
using Esr.Kernel.Hooks;
using Esr.Kernel.Interventions;
using Esr.Kernel.Saes;
using Xunit.Abstractions;
using Esr.Kernel.Tests.Saes;
using static TorchSharp.torch;

namespace Esr.Kernel.Tests.Parity;

/// <summary>
/// The engine against llama.cpp on the same random weights. Tolerances: Llama max |Δlogit| ≤ 1e-4 (both fp32);
/// Gemma-2 ≤ 5e-3 because ggml evaluates GELU from an fp16 table. Measured values go to the test output.
/// </summary>
[Collection(ReferenceModelsCollection.Name)]
public sealed class LlamaCppParityTests(ReferenceModels models, ITestOutputHelper output)
{
    // 24 tokens: longer than the Gemma-2 preset's sliding window of 6.
    private static readonly int[] Prompt = [1, 17, 42, 99, 3, 250, 7, 7, 128, 64, 5, 31, 200, 11, 90, 160, 45, 45, 2, 77, 150, 13, 8, 240];

    public static TheoryData<string> Names => new(ReferenceModels.Specs.Keys);

    private static double Tolerance(string name) => name.StartsWith("gemma2") ? 5e-3 : 1e-4;

    private static double MaxDifference(float[][] a, float[][] b)
    {
        Assert.Equal(a.Length, b.Length);
        var max = 0.0;
        for (var row = 0; row < a.Length; row++)
        {
            Assert.Equal(a[row].Length, b[row].Length);
            for (var i = 0; i < a[row].Length; i++) max = Math.Max(max, Math.Abs(a[row][i] - b[row][i]));
        }
        return max;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Logits_match_llama_cpp_at_every_position(string name)
    {
        var difference = MaxDifference(models.Engine(name).Logits(Prompt), models.Reference(name).Logits(Prompt));
        output.WriteLine($"{name}: max |Δlogit| over {Prompt.Length} positions = {difference:E2}");
        Assert.InRange(difference, 0, Tolerance(name));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_blocks_hidden_state_matches_llama_cpp(string name)
    {
        var engine = models.Engine(name);
        var block = engine.Config.LayerCount - 2;
        var recorder = new ActivationRecorder();
        engine.Logits(Prompt, new ActivationHooks().Add(HookPoint.ResidPost(block), recorder));
        var difference = MaxDifference(recorder.Rows[0].ToArray(), models.Reference(name).HiddenStates(Prompt, block));
        output.WriteLine($"{name}: blocks.{block}.resid_post max |Δ| = {difference:E2}");
        Assert.InRange(difference, 0, Tolerance(name));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Greedy_continuations_of_32_tokens_are_identical(string name)
    {
        int[] prompt = [1, 5, 9, 200, 33];
        var request = new GenerationRequest(prompt, SamplingOptions.Greedy(32), Seed: 0, StopTokenIds: new HashSet<int>());
        var ours = new BatchGenerator(models.Engine(name)).Generate([request])[0].TokenIds;
        var theirs = models.Reference(name).GreedyContinue(prompt, 32);
        Assert.Equal(theirs.Take(32), ours);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Vector_steering_at_a_block_matches_llama_cpp_control_vectors(string name)
    {
        var engine = models.Engine(name);
        var block = 1; // llama.cpp cannot steer block 0
        var random = new Random(5);
        var vector = Enumerable.Range(0, engine.Config.HiddenSize).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray();
        var hooks = new ActivationHooks().Add(HookPoint.ResidPost(block), new AddVector(vector));
        var steered = engine.Logits(Prompt, hooks);
        var reference = models.Reference(name).Logits(Prompt, [(block, vector)]);
        var difference = MaxDifference(steered, reference);
        var effect = MaxDifference(steered, engine.Logits(Prompt));
        output.WriteLine($"{name}: steered at blocks.{block}.resid_post: max |Δlogit| = {difference:E2} (steering moved logits by up to {effect:F3})");
        Assert.InRange(difference, 0, Tolerance(name));
        Assert.True(effect > 100 * Tolerance(name), $"steering barely changed the logits ({effect})");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Add_mode_SAE_steering_matches_llama_cpp_control_vectors_of_the_decoder_directions(string name)
    {
        var engine = models.Engine(name);
        var block = 1;
        using var sae = RandomSae.Create(SaeArchitecture.Standard, dIn: engine.Config.HiddenSize, dSae: 24, seed: 9);
        using var hook = InterventionHook.ForAllRows(sae, [new AddLatent(3, 2.5f), new AddLatent(7, -1.5f)]);
        var steered = engine.Logits(Prompt, new ActivationHooks().Add(HookPoint.ResidPost(block), hook));
        // The control vector llama.cpp adds: Σ value × the latent's decoder direction.
        var direction3 = sae.DecoderDirection(3);
        var direction7 = sae.DecoderDirection(7);
        var vector = direction3.Select((x, i) => 2.5f * x - 1.5f * direction7[i]).ToArray();
        var reference = models.Reference(name).Logits(Prompt, [(block, vector)]);
        var difference = MaxDifference(steered, reference);
        var effect = MaxDifference(steered, engine.Logits(Prompt));
        output.WriteLine($"{name}: SAE add at blocks.{block}.resid_post vs control vector: max |Δlogit| = {difference:E2} (steering moved logits by up to {effect:F3})");
        Assert.InRange(difference, 0, Tolerance(name));
        Assert.True(effect > 100 * Tolerance(name), $"steering barely changed the logits ({effect})");
    }

    /// <summary>Adds one vector at every position of every row.</summary>
    private sealed class AddVector(float[] vector) : IActivationHook
    {
        public Tensor Apply(Tensor activation, HookContext context) => activation + tensor(vector).to_type(activation.dtype);
    }
}
