using Esr.Kernel.Generation;
using Esr.Kernel.Hooks;
using Esr.Kernel.Interventions;
using Esr.Kernel.Saes;
using Esr.Kernel.Tests.Models;
using Esr.Kernel.Tests.Saes;
using static TorchSharp.torch;

namespace Esr.Kernel.Tests.Interventions;

public class LatentReadoutTests
{
    private static readonly int[] Prompt = [1, 4, 9, 3, 12, 7];
    private static readonly HookPoint Point = HookPoint.ResidPost(0);

    private static float[][] Encoded(SparseAutoencoder sae, IReadOnlyList<float[]> activations) =>
        activations.Select(vector => sae.Encode(tensor(vector)).data<float>().ToArray()).ToArray();

    private static void AssertClose(IReadOnlyList<float[]> expected, IReadOnlyList<float[]> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var token = 0; token < expected.Count; token++)
            for (var i = 0; i < expected[token].Length; i++)
                Assert.True(Math.Abs(expected[token][i] - actual[token][i]) <= 1e-5f, $"token {token} latent {i}: {expected[token][i]} vs {actual[token][i]}");
    }

    [Fact]
    public void Reading_all_latents_of_a_whole_sequence_equals_encoding_the_recorded_activations()
    {
        using var scope = NewDisposeScope();
        using var loaded = RawCheckpoint.Loaded(maxPositions: 32);
        using var sae = RandomSae.Create(SaeArchitecture.JumpRelu, dIn: RawCheckpoint.Hidden);
        var recorder = new ActivationRecorder();
        loaded.Model.Logits(Prompt, new ActivationHooks().Add(Point, recorder));

        var trace = LatentReadout.Read(loaded.Model, Point, sae, Prompt);

        Assert.Equal(sae.LatentCount, trace.Latents.Count);
        AssertClose(Encoded(sae, recorder.Rows[0]), trace.Tokens);
    }

    [Fact]
    public void Chosen_latents_are_the_matching_columns_and_max_pooling_takes_each_ones_peak()
    {
        using var scope = NewDisposeScope();
        using var loaded = RawCheckpoint.Loaded(maxPositions: 32);
        using var sae = RandomSae.Create(SaeArchitecture.Standard, dIn: RawCheckpoint.Hidden);
        int[] chosen = [20, 2, 7];

        var all = LatentReadout.Read(loaded.Model, Point, sae, Prompt);
        var some = LatentReadout.Read(loaded.Model, Point, sae, Prompt, chosen);

        AssertClose(all.Tokens.Select(token => chosen.Select(latent => token[latent]).ToArray()).ToArray(), some.Tokens);
        var pooled = some.MaxPool();
        for (var i = 0; i < chosen.Length; i++) Assert.Equal(some.Of(chosen[i]).Max(), pooled[i]);
    }

    [Fact]
    public void A_readout_with_interventions_active_reads_the_steered_stream()
    {
        using var scope = NewDisposeScope();
        using var loaded = RawCheckpoint.Loaded(maxPositions: 32);
        using var sae = RandomSae.Create(SaeArchitecture.Standard, dIn: RawCheckpoint.Hidden);
        Intervention[] steering = [new AddLatent(5, 3f), new AblateLatents([1])];
        using var hook = InterventionHook.ForAllRows(sae, steering);
        var recorder = new ActivationRecorder();
        loaded.Model.Logits(Prompt, new ActivationHooks().Add(Point, hook).Add(Point, recorder));

        var steered = LatentReadout.Read(loaded.Model, Point, sae, Prompt, interventions: steering);
        var plain = LatentReadout.Read(loaded.Model, Point, sae, Prompt);

        AssertClose(Encoded(sae, recorder.Rows[0]), steered.Tokens);
        Assert.NotEqual(plain.Of(5), steered.Of(5));
    }

    [Fact]
    public void During_generation_each_row_is_read_at_its_prompt_and_generated_tokens()
    {
        using var scope = NewDisposeScope();
        using var loaded = RawCheckpoint.Loaded(maxPositions: 32);
        using var sae = RandomSae.Create(SaeArchitecture.Standard, dIn: RawCheckpoint.Hidden);
        using var readout = new LatentReadout(sae, [0, 3, 5]);
        var recorder = new ActivationRecorder();
        var noStop = new HashSet<int>();
        GenerationRequest[] requests =
        [
            new(Prompt, SamplingOptions.Greedy(4), 1, noStop),
            new([2, 8], SamplingOptions.Greedy(4), 2, noStop),
        ];

        new BatchGenerator(loaded.Model).Generate(requests, new ActivationHooks().Add(Point, recorder).Add(Point, readout));

        var traces = readout.Traces;
        Assert.Equal(2, traces.Count);
        for (var row = 0; row < 2; row++)
        {
            Assert.Equal(recorder.Rows[row].Count, traces[row].Tokens.Count);
            Assert.True(traces[row].Tokens.Count > requests[row].PromptIds.Count, "generated tokens are read too");
            var expected = Encoded(sae, recorder.Rows[row]).Select(all => new[] { all[0], all[3], all[5] }).ToArray();
            AssertClose(expected, traces[row].Tokens);
        }
    }
}
