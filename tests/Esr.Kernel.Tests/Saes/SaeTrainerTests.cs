using Esr.Kernel.Hooks;
using Esr.Kernel.Saes;
using Esr.Kernel.Saes.Training;
using Esr.Kernel.Tests.Models;
using static TorchSharp.torch;

namespace Esr.Kernel.Tests.Saes;

public sealed class SaeTrainerTests
{
    /// <summary>Activations that are sparse sums of 16 fixed directions, at a scale far from 1 (so the folding matters).</summary>
    private static Tensor SparseActivations(int tokens, int seed)
    {
        var random = new Random(seed);
        var directions = new float[16, 8];
        for (var i = 0; i < 16; i++)
            for (var j = 0; j < 8; j++) directions[i, j] = (float)(random.NextDouble() * 2 - 1);
        var data = new float[tokens * 8];
        for (var t = 0; t < tokens; t++)
        {
            for (var k = 0; k < 2; k++)
            {
                var feature = random.Next(16);
                var strength = 20 + 20 * random.NextDouble();
                for (var j = 0; j < 8; j++) data[t * 8 + j] += (float)(strength * directions[feature, j]);
            }
        }
        return tensor(data, [tokens, 8L]);
    }

    [Fact]
    public void Training_lowers_the_reconstruction_error_and_the_saved_sae_reconstructs_raw_activations()
    {
        using var activations = SparseActivations(2000, seed: 1);
        var settings = new SaeTrainingSettings(Latents: 32, L1Coefficient: 0.01, Steps: 300, BatchSize: 128, LearningRate: 1e-2, Seed: 2);
        using var briefly = SaeTrainer.Train(activations, settings with { Steps = 5 });
        using var trained = SaeTrainer.Train(activations, settings);
        var early = SaeTrainer.Measure(briefly, activations);
        var late = SaeTrainer.Measure(trained, activations);
        Assert.True(late.FractionOfVarianceUnexplained < early.FractionOfVarianceUnexplained / 2,
            $"FVU {early.FractionOfVarianceUnexplained:F3} -> {late.FractionOfVarianceUnexplained:F3}");
        Assert.True(late.FractionOfVarianceUnexplained < 0.2, $"FVU {late.FractionOfVarianceUnexplained:F3}");
        Assert.InRange(late.MeanL0, 0.5, 32);
        Assert.Equal(2000, late.Tokens);
        // Unit-norm decoder rows.
        Assert.True(trained.Decoder.norm(1).sub(ones(32)).abs().max().item<float>() < 1e-4);

        using var folder = new TemporaryDirectory();
        trained.Save(folder.Path, HookPoint.ResidPost(0), ScalarType.Float32);
        using var loaded = SaeLoader.Load(folder.Path);
        using var raw = activations.narrow(0, 0, 50);
        using var expected = SaeTrainer.Encode(trained, raw);
        using var actual = loaded.Encode(raw);
        Assert.True(expected.sub(actual).abs().max().item<float>() < 1e-4);
        using var reconstruction = loaded.Decode(actual);
        var error = reconstruction.sub(raw).norm().item<float>() / raw.norm().item<float>();
        Assert.True(error < 0.5, $"relative reconstruction error {error:F3} of the loaded SAE on raw activations");
    }

    [Fact]
    public void The_same_seed_gives_the_same_sae()
    {
        using var activations = SparseActivations(300, seed: 3);
        var settings = new SaeTrainingSettings(Latents: 16, L1Coefficient: 0.05, Steps: 10, BatchSize: 64, LearningRate: 1e-2, Seed: 4);
        using var first = SaeTrainer.Train(activations, settings);
        using var second = SaeTrainer.Train(activations, settings);
        Assert.True(first.Encoder.eq(second.Encoder).all().item<bool>());
        Assert.True(first.DecoderBias.eq(second.DecoderBias).all().item<bool>());
    }

    [Fact]
    public void A_topk_sae_keeps_k_latents_per_token_and_loads_back_as_a_saelens_topk_sae()
    {
        using var activations = SparseActivations(2000, seed: 5);
        var settings = new SaeTrainingSettings(Latents: 64, L1Coefficient: 0, Steps: 400, BatchSize: 128, LearningRate: 1e-2, Seed: 6, TopK: 2);
        using var trained = SaeTrainer.Train(activations, settings);
        var statistics = SaeTrainer.Measure(trained, activations);
        Assert.True(statistics.FractionOfVarianceUnexplained < 0.2, $"FVU {statistics.FractionOfVarianceUnexplained:F3}");
        Assert.InRange(statistics.MeanL0, 1.5, 2.0); // at most k = 2 per token, almost always both positive
        // 64 latents for 16 directions: the auxiliary loss keeps pulling the silent ones towards the error.
        Assert.True(statistics.DeadLatents < 32, $"{statistics.DeadLatents} of 64 latents dead");

        using var folder = new TemporaryDirectory();
        trained.Save(folder.Path, HookPoint.ResidPost(0), ScalarType.Float32);
        using var loaded = SaeLoader.Load(folder.Path);
        Assert.Equal(SaeArchitecture.TopK, loaded.Architecture);
        Assert.Equal(2, loaded.K);
        using var raw = activations.narrow(0, 0, 50);
        using var expected = SaeTrainer.Encode(trained, raw);
        using var actual = loaded.Encode(raw);
        Assert.True(expected.sub(actual).abs().max().item<float>() < 1e-4);
        Assert.True(actual.gt(0).sum(1).le(2).all().item<bool>(), "no token keeps more than k latents");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(null)]
    public void Encoding_in_place_chunk_by_chunk_gives_the_latents_of_one_pass_bit_for_bit(int? topK)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(7);
        var activations = randn([20, 8], generator: generator);
        var original = activations.clone();
        using var sae = new TrainedSae(randn([8, 12], generator: generator), randn([12], generator: generator),
            randn([12, 8], generator: generator), zeros(8), topK);

        // The definition, one operation at a time on the whole batch.
        var preActivations = activations.matmul(sae.Encoder).add(sae.EncoderBias);
        Tensor expected;
        if (topK is { } k)
        {
            var (values, indexes) = preActivations.topk(k, dim: 1);
            expected = zeros_like(preActivations).scatter(1, indexes, nn.functional.relu(values));
        }
        else
        {
            expected = nn.functional.relu(preActivations);
        }

        var chunked = SaeTrainer.Encode(sae, activations, chunk: 7); // 7 + 7 + 6 tokens
        Assert.True(chunked.eq(expected).all().item<bool>(), "chunked latents differ from one pass");
        Assert.True(activations.eq(original).all().item<bool>(), "the activations were written to");
        if (topK is { } kept) Assert.True(chunked.gt(0).sum(1).le(kept).all().item<bool>(), "no token keeps more than k latents");
    }
}
