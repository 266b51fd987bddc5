using Esr.Kernel.Formats;
using TorchSharp;
using static TorchSharp.torch;

namespace Esr.Kernel.Models;

/// <summary>
/// A Llama decoder written as plainly as TorchSharp allows, the yardstick for the engine's per-operation overhead on
/// small models (<c>esr bench toy</c> times the engine against it): the checkpoint's tensors as loaded, one libtorch
/// call per step of the math, a cache grown by concatenation, no padding masks, hooks, dtype checks or native kernels, greedy decoding of equal-length prompts.
/// Llama checkpoints without RoPE scaling only (the toy zoo).
/// </summary>
public sealed class BareLlamaLoop : IDisposable
{
    private readonly ModelConfig _config;
    private readonly Dictionary<string, Tensor> _weights;
    private readonly Tensor _inverseFrequencies;
    // Scalars held for the loop's life: TorchSharp 0.107 can free a temporary one mid-call (see the kernel's Scalars).
    private readonly Scalar _epsilon, _scale, _one = 1.ToScalar();

    /// <summary>Reads a plain Llama folder's config.json and model.safetensors as float32.</summary>
    /// <exception cref="ArgumentException">Not a Llama checkpoint, or one with RoPE scaling.</exception>
    public BareLlamaLoop(string modelDirectory)
    {
        _config = ModelConfig.Load(modelDirectory);
        if (_config.Architecture != ModelArchitecture.Llama || _config.RopeScaling is not null)
            throw new ArgumentException($"the bare loop runs plain Llama checkpoints only, not {modelDirectory}", nameof(modelDirectory));
        using var file = SafetensorsFile.Open(Path.Combine(modelDirectory, "model.safetensors"));
        _weights = file.Entries.Keys.ToDictionary(name => name, name => file.Read(name, ScalarType.Float32).DetachFromDisposeScope());
        var half = _config.HeadDimension / 2;
        _inverseFrequencies = tensor(Enumerable.Range(0, half).Select(i => (float)(1.0 / Math.Pow(_config.RopeTheta, 2.0 * i / _config.HeadDimension))).ToArray())
            .DetachFromDisposeScope();
        _epsilon = _config.RmsNormEpsilon.ToScalar();
        _scale = (1.0 / Math.Sqrt(_config.HeadDimension)).ToScalar();
    }

    /// <summary>Greedy continuation of <paramref name="prompts"/> (equal lengths): seconds of the prefill and of the decoding steps, and each row's tokens.</summary>
    public (double PrefillSeconds, double DecodeSeconds, int[][] Tokens) Generate(int[][] prompts, int newTokens)
    {
        using var gradients = no_grad();
        var rows = prompts.Length;
        var keys = new Tensor?[_config.LayerCount];
        var values = new Tensor?[_config.LayerCount];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var ids = tensor(prompts.SelectMany(prompt => prompt.Select(id => (long)id)).ToArray(), [rows, (long)prompts[0].Length]);
        var position = 0;
        var prefill = 0.0;
        var tokens = prompts.Select(_ => new List<int>()).ToArray();
        for (var step = 0; step < newTokens; step++)
        {
            using var scope = NewDisposeScope();
            var logits = Forward(ids, position, keys, values);
            position += (int)ids.shape[1];
            ids = logits.narrow(1, logits.shape[1] - 1, 1).argmax(-1).MoveToOuterDisposeScope(); // [rows, 1]
            var chosen = ids.data<long>().ToArray(); // the step is done once its tokens are known, as in the engine
            for (var row = 0; row < rows; row++) tokens[row].Add((int)chosen[row]);
            if (step == 0) prefill = clock.Elapsed.TotalSeconds;
        }
        var total = clock.Elapsed.TotalSeconds;
        foreach (var cached in keys.Concat(values)) cached?.Dispose();
        return (prefill, total - prefill, tokens.Select(row => row.ToArray()).ToArray());
    }

    private Tensor Forward(Tensor ids, int start, Tensor?[] keys, Tensor?[] values)
    {
        long rows = ids.shape[0], tokens = ids.shape[1];
        int heads = _config.HeadCount, kvHeads = _config.KeyValueHeadCount, headDim = _config.HeadDimension;
        var angles = arange(start, start + tokens, ScalarType.Float32).unsqueeze(-1) * _inverseFrequencies;
        var cos = cat([angles, angles], -1).cos();
        var sin = cat([angles, angles], -1).sin();
        Tensor Rotate(Tensor x)
        {
            var halves = x.chunk(2, -1);
            return (x * cos).add(cat([-halves[1], halves[0]], -1) * sin, _one);
        }
        var mask = tokens > 1 ? CausalMask(tokens) : null;

        var x = _weights["model.embed_tokens.weight"].index_select(0, ids.flatten()).view(rows, tokens, -1);
        for (var layer = 0; layer < _config.LayerCount; layer++)
        {
            Tensor W(string name) => _weights[$"model.layers.{layer}.{name}.weight"];
            var h = Norm(x, W("input_layernorm"));
            var q = Rotate(nn.functional.linear(h, W("self_attn.q_proj")).view(rows, tokens, heads, headDim).transpose(1, 2));
            var k = Rotate(nn.functional.linear(h, W("self_attn.k_proj")).view(rows, tokens, kvHeads, headDim).transpose(1, 2));
            var v = nn.functional.linear(h, W("self_attn.v_proj")).view(rows, tokens, kvHeads, headDim).transpose(1, 2);
            keys[layer] = Grow(keys[layer], k);
            values[layer] = Grow(values[layer], v);
            var allKeys = keys[layer]!.repeat_interleave(heads / kvHeads, 1);
            var allValues = values[layer]!.repeat_interleave(heads / kvHeads, 1);
            var scores = q.matmul(allKeys.transpose(2, 3)) * _scale;
            if (mask is not null) scores = scores.add(mask, _one);
            var attended = scores.softmax(-1).matmul(allValues).transpose(1, 2).reshape(rows, tokens, heads * headDim);
            x = x.add(nn.functional.linear(attended, W("self_attn.o_proj")), _one);
            h = Norm(x, W("post_attention_layernorm"));
            var gated = nn.functional.silu(nn.functional.linear(h, W("mlp.gate_proj"))) * nn.functional.linear(h, W("mlp.up_proj"));
            x = x.add(nn.functional.linear(gated, W("mlp.down_proj")), _one);
        }
        var output = _weights.GetValueOrDefault("lm_head.weight") ?? _weights["model.embed_tokens.weight"];
        return nn.functional.linear(Norm(x, _weights["model.norm.weight"]), output);
    }

    private static Tensor CausalMask(long tokens)
    {
        var mask = new float[tokens * tokens];
        for (var query = 0; query < tokens; query++)
            for (var key = query + 1; key < tokens; key++) mask[query * tokens + key] = float.NegativeInfinity;
        return tensor(mask, [tokens, tokens]);
    }

    private Tensor Norm(Tensor x, Tensor weight) => x * (x * x).mean([-1], keepdim: true).add(_epsilon).rsqrt() * weight;

    // The cache outlives the step's dispose scope.
    private static Tensor Grow(Tensor? cached, Tensor added)
    {
        var grown = cached is null ? added.contiguous() : cat([cached, added], 2);
        cached?.Dispose();
        return grown.DetachFromDisposeScope();
    }

    public void Dispose()
    {
        foreach (var weight in _weights.Values) weight.Dispose();
        _inverseFrequencies.Dispose();
        foreach (var scalar in new[] { _epsilon, _scale, _one }) scalar.Dispose();
    }
}
