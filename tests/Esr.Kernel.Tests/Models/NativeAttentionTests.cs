using Esr.Kernel.Generation;
using Esr.Kernel.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Esr.Kernel.Tests.Models;

/// <summary>
/// The fused decoding attention (environment/native/esr_attention.c) against libtorch's operations, first on the kernel
/// alone, then on whole decoding steps of a model with grouped heads and left padding. Needs AVX-512 (the kernel's only
/// target; elsewhere the test checks that it declines).
/// </summary>
[Collection(NativeLinearCollection.Name)]
public class NativeAttentionTests
{
    // head_dim 24 leaves a masked tail of 8 lanes after one vector of 16; 3 query heads share each key-value head.
    private const int Batch = 3, Heads = 6, KvHeads = 2, HeadDim = 24, Capacity = 40, Slot = 29;

    [Fact]
    public void One_step_matches_rotation_cache_write_and_masked_softmax_done_by_libtorch_within_1e_5()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var generator = new Generator(7);
        var projected = randn([Batch, 1, (Heads + 2 * KvHeads) * HeadDim], generator: generator);
        var angles = rand([Batch, 1, 1, HeadDim / 2], generator: generator) * 30;
        var (cos, sin) = (cat([angles, angles], -1).cos(), cat([angles, angles], -1).sin());
        var keys = randn([Batch, KvHeads, Capacity, HeadDim], generator: generator);
        var values = randn([Batch, KvHeads, Capacity, HeadDim], generator: generator);
        // Row 1 sees nothing before slot 10 (left padding); row 2 only itself (a finished row's padding query).
        var visible = ones([Batch, 1, 1, Slot + 1], ScalarType.Bool);
        visible[1, 0, 0, TensorIndex.Slice(0, 10)] = tensor(false);
        visible[2, 0, 0, TensorIndex.Slice(0, Slot)] = tensor(false);
        var mask = zeros([Batch, 1, 1, Slot + 1]).masked_fill(visible.logical_not(), double.NegativeInfinity);
        var scale = 1 / MathF.Sqrt(HeadDim);
        var (expectedOut, expectedKeys, expectedValues) = Reference(projected, cos, sin, keys.clone(), values.clone(), mask, scale);

        var attended = NativeAttention.TryDecode(projected, (cos, sin), mask, (keys, values), Slot, Heads, KvHeads, HeadDim, scale);

        if (!NativeLinear.Supported.HasFlag(NativeLinear.Isa.Avx512))
        {
            Assert.Null(attended);
            return;
        }
        Assert.NotNull(attended);
        Assert.Equal([Batch, 1L, Heads * HeadDim], attended.shape);
        Assert.True(attended.allclose(expectedOut, rtol: 1e-5, atol: 1e-5), $"max error {(attended - expectedOut).abs().max().item<float>()}");
        Assert.True(keys.allclose(expectedKeys, rtol: 1e-6, atol: 1e-6), "the rotated key written to the cache slot");
        Assert.True(values.allclose(expectedValues, rtol: 0, atol: 0), "the value written to the cache slot, and no other slot touched");
        // Row 2 sees only its own slot: its first head returns that slot's value.
        Assert.Equal(values[2, 0, Slot, 0].item<float>(), attended.view(Batch, Heads, HeadDim)[2, 0, 0].item<float>(), 5);
    }

    [Fact]
    public void In_bf16_one_step_matches_libtorch_in_fp32_on_the_same_bf16_values_within_bf16_rounding()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var generator = new Generator(8);
        Tensor Bf16(Tensor t) => t.to_type(ScalarType.BFloat16);
        var projected = Bf16(randn([Batch, 1, (Heads + 2 * KvHeads) * HeadDim], generator: generator));
        var angles = rand([Batch, 1, 1, HeadDim / 2], generator: generator) * 30;
        var (cos, sin) = (Bf16(cat([angles, angles], -1).cos()), Bf16(cat([angles, angles], -1).sin()));
        var keys = Bf16(randn([Batch, KvHeads, Capacity, HeadDim], generator: generator));
        var values = Bf16(randn([Batch, KvHeads, Capacity, HeadDim], generator: generator));
        var mask = zeros([Batch, 1, 1, Slot + 1]);
        var scale = 1 / MathF.Sqrt(HeadDim);
        Tensor Wide(Tensor t) => t.to_type(ScalarType.Float32);
        var (expectedOut, expectedKeys, expectedValues) = Reference(Wide(projected), Wide(cos), Wide(sin), Wide(keys), Wide(values), mask, scale);

        var attended = NativeAttention.TryDecode(projected, (cos, sin), mask, (keys, values), Slot, Heads, KvHeads, HeadDim, scale);

        if (!NativeLinear.Supported.HasFlag(NativeLinear.Isa.Avx512))
        {
            Assert.Null(attended);
            return;
        }
        Assert.NotNull(attended);
        Assert.Equal(ScalarType.BFloat16, attended.dtype);
        // Stored values are the fp32 results rounded once: within half a bf16 unit (2^-8 relative) of them.
        Assert.True(Wide(attended).allclose(expectedOut, rtol: 1.0 / 256, atol: 1e-3), $"max error {(Wide(attended) - expectedOut).abs().max().item<float>()}");
        Assert.True(Wide(keys).allclose(expectedKeys, rtol: 1.0 / 256, atol: 1e-3), "the rotated key written to the cache slot");
        Assert.True(Wide(values).allclose(expectedValues, rtol: 0, atol: 0), "the value written to the cache slot exactly");
    }

    [Fact]
    public void Prompts_other_or_mixed_dtypes_and_the_switch_turned_off_go_to_libtorch()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var projected = randn([Batch, 2, (Heads + 2 * KvHeads) * HeadDim]);
        var rotary = (ones([Batch, 1, 1, HeadDim]), zeros([Batch, 1, 1, HeadDim]));
        var cache = (zeros([Batch, KvHeads, Capacity, HeadDim]), zeros([Batch, KvHeads, Capacity, HeadDim]));

        Assert.Null(NativeAttention.TryDecode(projected, rotary, zeros([Batch, 1, 2, Slot + 1]), cache, Slot, Heads, KvHeads, HeadDim, 1));
        var step = projected.narrow(1, 0, 1).contiguous();
        Assert.Null(NativeAttention.TryDecode(step.to_type(ScalarType.Float64), rotary, zeros([Batch, 1, 1, Slot + 1]), cache, Slot, Heads, KvHeads, HeadDim, 1));
        Assert.Null(NativeAttention.TryDecode(step.to_type(ScalarType.BFloat16), rotary, zeros([Batch, 1, 1, Slot + 1]), cache, Slot, Heads, KvHeads, HeadDim, 1)); // fp32 cache
        NativeLinear.Enabled = false;
        try
        {
            Assert.Null(NativeAttention.TryDecode(step, rotary, zeros([Batch, 1, 1, Slot + 1]), cache, Slot, Heads, KvHeads, HeadDim, 1));
        }
        finally
        {
            NativeLinear.Enabled = true;
        }
    }

    [Fact]
    public void Decoding_a_padded_batch_with_grouped_heads_gives_libtorch_s_logits_within_1e_4_and_the_same_greedy_tokens()
    {
        var config = Toy.MiniatureWorld.Config with { HiddenSize = 48, HeadCount = 6, KeyValueHeadCount = 2, HeadDimension = 24, MaxPositionEmbeddings = 64 };
        using var model = CausalLanguageModel.Create(config, seed: 11);
        int[][] prompts = [[1, 5, 9, 13, 17], [1, 7], [1, 4, 8, 12, 16, 20, 3, 7, 11]];
        var requests = prompts.Select((prompt, i) => new GenerationRequest(prompt, SamplingOptions.Greedy(12), i, new HashSet<int>())).ToList();

        var (fused, fusedLogits) = Decode(model, requests);
        NativeLinear.Enabled = false;
        (IReadOnlyList<GenerationResult> Results, List<float[]> Logits) plain;
        try
        {
            plain = Decode(model, requests);
        }
        finally
        {
            NativeLinear.Enabled = true;
        }

        Assert.Equal(plain.Results.Select(r => r.TokenIds), fused.Select(r => r.TokenIds));
        for (var step = 0; step < plain.Logits.Count; step++)
            for (var i = 0; i < plain.Logits[step].Length; i++)
                Assert.True(Math.Abs(plain.Logits[step][i] - fusedLogits[step][i]) <= 1e-4, $"step {step}, logit {i}: {plain.Logits[step][i]} against {fusedLogits[step][i]}");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Slots_not_yet_written_are_never_read_so_a_cache_full_of_NaN_gives_the_same_logits(bool kernels)
    {
        // The cache is left unfilled (KvCache): whatever its memory held before must not reach a logit.
        var config = Toy.MiniatureWorld.Config with { HiddenSize = 48, HeadCount = 6, KeyValueHeadCount = 2, HeadDimension = 24, MaxPositionEmbeddings = 64 };
        using var model = CausalLanguageModel.Create(config, seed: 12);
        int[][] prompts = [[1, 5, 9, 13, 17], [1, 7]];
        var requests = prompts.Select((prompt, i) => new GenerationRequest(prompt, SamplingOptions.Greedy(8), i, new HashSet<int>())).ToList();
        NativeLinear.Enabled = kernels;
        try
        {
            var clean = Decode(model, requests);
            var poisoned = Decode(model, requests, poison: true);

            Assert.Equal(clean.Results.Select(r => r.TokenIds), poisoned.Results.Select(r => r.TokenIds));
            Assert.Equal(clean.Logits, poisoned.Logits);
            Assert.All(poisoned.Logits, step => Assert.All(step, logit => Assert.True(float.IsFinite(logit))));
        }
        finally
        {
            NativeLinear.Enabled = true;
        }
    }

    // Every decoding step's logits, read by a hook-free pass over the generated tokens (with poison: in a cache whose
    // every slot holds NaN before the pass).
    private static (IReadOnlyList<GenerationResult> Results, List<float[]> Logits) Decode(
        CausalLanguageModel model, IReadOnlyList<GenerationRequest> requests, bool poison = false)
    {
        var results = new BatchGenerator(model).Generate(requests);
        using var scope = NewDisposeScope();
        using var cache = model.NewCache(requests.Count, 32);
        for (var layer = 0; poison && layer < model.Config.LayerCount; layer++)
        {
            cache.Layer(layer).Keys.fill_(float.NaN);
            cache.Layer(layer).Values.fill_(float.NaN);
        }
        var (ids, real) = BatchGenerator.LeftPadded(requests, requests.Max(r => r.PromptIds.Count));
        var logits = new List<float[]> { TensorMemory.ToFloatArray(model.Forward(ids, real, cache, lastPositionOnly: true)) };
        for (var step = 0; step < results.Min(r => r.TokenIds.Count); step++)
        {
            var next = results.Select(r => (long)r.TokenIds[step]).ToArray();
            logits.Add(TensorMemory.ToFloatArray(model.Forward(tensor(next, [requests.Count, 1L]), null, cache, lastPositionOnly: true)));
        }
        return (results, logits);
    }

    // libtorch's operations, as Attention.Forward does them for one token per row.
    private static (Tensor Out, Tensor Keys, Tensor Values) Reference(Tensor projected, Tensor cos, Tensor sin, Tensor keys, Tensor values, Tensor mask, float scale)
    {
        var qkv = projected.view(Batch, 1, Heads + 2 * KvHeads, HeadDim).transpose(1, 2);
        Tensor Rotate(Tensor x)
        {
            var halves = x.chunk(2, -1);
            return x * cos + cat([-halves[1], halves[0]], -1) * sin;
        }
        var query = Rotate(qkv.narrow(1, 0, Heads));
        keys.narrow(2, Slot, 1).copy_(Rotate(qkv.narrow(1, Heads, KvHeads)));
        values.narrow(2, Slot, 1).copy_(qkv.narrow(1, Heads + KvHeads, KvHeads));
        var seen = (keys.narrow(2, 0, Slot + 1), values.narrow(2, 0, Slot + 1));
        var grouped = query.reshape(Batch, KvHeads, Heads / KvHeads, HeadDim);
        var scores = grouped.matmul(seen.Item1.transpose(2, 3)).mul(scale).add(mask);
        var attended = scores.softmax(-1).matmul(seen.Item2).view(Batch, Heads, 1, HeadDim).transpose(1, 2).reshape(Batch, 1, Heads * HeadDim);
        return (attended, keys, values);
    }
}
