using Esr.Kernel.Hooks;
using Esr.Kernel.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Esr.Kernel.Tests.Models;

/// <summary>
/// A decoding step's block in one native call (environment/native/esr_decoder_block.c) against the same block run
/// part by part (an identity hook at its attention output keeps the block from the fused call, so both use the same
/// kernels for norms, products and attention; only the residual adds and SiLU·up are the fused call's own). Needs
/// AVX-512 (elsewhere the tests check that it declines).
/// </summary>
[Collection(NativeLinearCollection.Name)]
public class NativeDecoderBlockTests
{
    // Three rows at cache slot 29 of 40; grouped heads (6 over 2) with a head_dim whose last vector is masked (24).
    private const int Batch = 3, Capacity = 40, Slot = 29;

    private static readonly ModelConfig Config = Toy.MiniatureWorld.Config with
    {
        HiddenSize = 48, HeadCount = 6, KeyValueHeadCount = 2, HeadDimension = 24, IntermediateSize = 72, MaxPositionEmbeddings = 64,
    };

    [Fact]
    public void In_fp32_one_step_matches_the_block_run_part_by_part_within_1e_5_and_writes_the_same_cache_slot()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var step = Step.Random(ScalarType.Float32, seed: 21);

        var (fused, fusedCache) = step.Run(partByPart: false);
        var (expected, expectedCache) = step.Run(partByPart: true);

        Assert.Equal(NativeLinear.Supported.HasFlag(NativeLinear.Isa.Avx512), step.FusedCallTakes());
        Assert.Equal([Batch, 1L, Config.HiddenSize], fused.shape);
        Assert.True(fused.allclose(expected, rtol: 1e-5, atol: 1e-5), $"max error {(fused - expected).abs().max().item<float>()}");
        Assert.True(fusedCache.Keys.eq(expectedCache.Keys).all().item<bool>(), "keys: the same rotation written to the same slot");
        Assert.True(fusedCache.Values.eq(expectedCache.Values).all().item<bool>(), "values: the same slot, no other touched");
        Assert.False(fusedCache.Keys.narrow(2, Slot, 1).eq(step.Keys.narrow(2, Slot, 1)).all().item<bool>(), "the slot was written");
    }

    [Fact]
    public void In_bf16_one_step_matches_the_block_run_part_by_part_within_one_bf16_rounding()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var step = Step.Random(ScalarType.BFloat16, seed: 22);

        var (fused, fusedCache) = step.Run(partByPart: false);
        var (expected, expectedCache) = step.Run(partByPart: true);

        Assert.Equal(NativeLinear.Supported.HasFlag(NativeLinear.Isa.Avx512Bf16), step.FusedCallTakes());
        Assert.Equal(ScalarType.BFloat16, fused.dtype);
        // SiLU's e^x is the kernel's own, within 1e-7 of libtorch's, which can move a stored bf16 value by one unit
        // (2^-8 relative) and the sums after it by as much.
        Tensor Wide(Tensor t) => t.to_type(ScalarType.Float32);
        Assert.True(Wide(fused).allclose(Wide(expected), rtol: 1.0 / 128, atol: 1e-2), $"max error {(Wide(fused) - Wide(expected)).abs().max().item<float>()}");
        Assert.True(fusedCache.Keys.eq(expectedCache.Keys).all().item<bool>(), "keys written alike");
        Assert.True(fusedCache.Values.eq(expectedCache.Values).all().item<bool>(), "values written alike");
    }

    [Fact]
    public void Prompts_gradients_Gemma_2_blocks_and_the_switch_turned_off_run_part_by_part()
    {
        using var scope = NewDisposeScope();
        var step = Step.Random(ScalarType.Float32, seed: 23);
        using (no_grad())
        {
            var prompt = step.Input.expand(Batch, 2, Config.HiddenSize).contiguous();
            Assert.Null(step.TryFused(prompt));
            NativeLinear.Enabled = false;
            try
            {
                Assert.False(step.FusedCallTakes());
            }
            finally
            {
                NativeLinear.Enabled = true;
            }
        }
        using (enable_grad())
        {
            using var tracked = step.Input.clone().requires_grad_(true);
            Assert.Null(step.TryFused(tracked));
        }
        var gemma = Step.Random(ScalarType.Float32, seed: 24, Config with { Architecture = ModelArchitecture.Gemma2 });
        using (no_grad()) Assert.False(gemma.FusedCallTakes());
    }

    // One decoding step of a random block: its input, rotation and mask, and the keys and values its cache holds before it.
    private sealed record Step(DecoderBlock Block, ModelConfig Config, Tensor Input, (Tensor Cos, Tensor Sin) Rotary, Tensor Mask, Tensor Keys, Tensor Values)
    {
        public static Step Random(ScalarType dtype, int seed, ModelConfig? config = null)
        {
            config ??= NativeDecoderBlockTests.Config;
            var generator = new Generator((ulong)seed);
            var block = new DecoderBlock("block", config, 0, dtype, CPU);
            foreach (var (name, weight) in block.Weights(""))
                weight.copy_(name.Contains("norm") ? 1 + 0.2 * randn(weight.shape, generator: generator) : 0.2 * randn(weight.shape, generator: generator));
            var angles = rand([Batch, 1, 1, config.HeadDimension / 2], generator: generator) * 30;
            var rotary = (cat([angles, angles], -1).cos().to_type(dtype), cat([angles, angles], -1).sin().to_type(dtype));
            // Row 1 sees nothing before slot 10 (left padding).
            var mask = zeros([Batch, 1, 1, Slot + 1]);
            mask[1, 0, 0, TensorIndex.Slice(0, 10)] = tensor(float.NegativeInfinity);
            long[] cacheShape = [Batch, config.KeyValueHeadCount, Capacity, config.HeadDimension];
            return new Step(block, config, randn([Batch, 1, config.HiddenSize], generator: generator).to_type(dtype), rotary, mask,
                randn(cacheShape, generator: generator).to_type(dtype), randn(cacheShape, generator: generator).to_type(dtype));
        }

        // The block's output and its cache's keys and values after it.
        public (Tensor Output, (Tensor Keys, Tensor Values) Cache) Run(bool partByPart)
        {
            using var cache = NewCache();
            Func<string, Tensor, Tensor>? identity = partByPart ? (_, branch) => branch : null;
            var (output, _) = Block.Forward(Input, Rotary, Mask, cache, Slot, identity);
            return (output, (cache.Layer(0).Keys.clone(), cache.Layer(0).Values.clone()));
        }

        public bool FusedCallTakes() => TryFused(Input) is not null;

        public Tensor? TryFused(Tensor input)
        {
            using var cache = NewCache();
            return Block.TryDecodeNatively(input, Rotary, Mask, cache, Slot);
        }

        private KvCache NewCache()
        {
            var cache = new KvCache(Config, Batch, Capacity, Keys.dtype);
            cache.Layer(0).Keys.copy_(Keys);
            cache.Layer(0).Values.copy_(Values);
            return cache;
        }
    }
}
