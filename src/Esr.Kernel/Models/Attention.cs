using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Esr.Kernel.Models;

/// <summary>
/// Grouped-query self-attention with rotary positions. Q, K and V share one matrix (one matmul instead of three);
/// query heads of a KV group are folded together instead of copying K and V per head.
/// </summary>
internal sealed class Attention : nn.Module
{
    private readonly Parameter queryKeyValue; // [(heads + 2·kv_heads)·head_dim, d_model]
    private readonly Parameter output;        // [d_model, heads·head_dim]
    private readonly int _heads, _kvHeads, _headDim, _layer;
    private readonly Scalar _scale;
    private readonly float _nativeScale;
    private readonly Scalar? _softcap;

    public Attention(string name, ModelConfig config, int layer, ScalarType dtype, Device device) : base(name)
    {
        _heads = config.HeadCount;
        _kvHeads = config.KeyValueHeadCount;
        _headDim = config.HeadDimension;
        _layer = layer;
        _scale = config.AttentionScale.ToScalar();
        _nativeScale = (float)config.AttentionScale;
        _softcap = config.AttentionLogitSoftcap?.ToScalar();
        queryKeyValue = new Parameter(empty([(_heads + 2L * _kvHeads) * _headDim, config.HiddenSize], dtype, device), requires_grad: false);
        output = new Parameter(empty([config.HiddenSize, (long)_heads * _headDim], dtype, device), requires_grad: false);
        RegisterComponents();
    }

    /// <summary>Where each Hugging Face tensor of this module lives (Q, K and V are row ranges of the fused matrix).</summary>
    public IEnumerable<(string Name, Tensor Destination)> Weights(string prefix)
    {
        long queryRows = (long)_heads * _headDim, kvRows = (long)_kvHeads * _headDim;
        yield return ($"{prefix}q_proj.weight", queryKeyValue.narrow(0, 0, queryRows));
        yield return ($"{prefix}k_proj.weight", queryKeyValue.narrow(0, queryRows, kvRows));
        yield return ($"{prefix}v_proj.weight", queryKeyValue.narrow(0, queryRows + kvRows, kvRows));
        yield return ($"{prefix}o_proj.weight", output);
    }

    /// <summary>The matrices a forward pass multiplies by, in order.</summary>
    public IEnumerable<Tensor> Projections() => [queryKeyValue, output];

    // What NativeDecoderBlock runs the module from.
    internal Tensor QueryKeyValue => queryKeyValue;
    internal Tensor Output => output;
    internal int Heads => _heads;
    internal int KeyValueHeads => _kvHeads;
    internal int HeadDimension => _headDim;
    internal int Layer => _layer;
    internal float NativeScale => _nativeScale;
    internal bool HasSoftcap => _softcap is not null;

    /// <param name="x">[batch, tokens, d_model]</param>
    /// <param name="rotary">cos and sin [batch, 1, tokens, head_dim]</param>
    /// <param name="mask">additive float32 mask [batch, 1, tokens, slots]</param>
    /// <param name="cache">the cache this pass appends to</param>
    /// <param name="startSlot">the cache slot of the first token</param>
    public Tensor Forward(Tensor x, (Tensor Cos, Tensor Sin) rotary, Tensor mask, KvCache cache, int startSlot)
    {
        using var scope = NewDisposeScope();
        long batch = x.shape[0], tokens = x.shape[1], groups = _heads / _kvHeads;
        var projected = NativeLinear.Apply(x, queryKeyValue);
        if (tokens == 1 && _softcap is null
            && NativeAttention.TryDecode(projected, rotary, mask, cache.Layer(_layer), startSlot, _heads, _kvHeads, _headDim, _nativeScale) is { } decoded)
            return NativeLinear.Apply(decoded, output).MoveToOuterDisposeScope();
        var qkv = projected.view(batch, tokens, _heads + 2 * _kvHeads, _headDim).transpose(1, 2);
        // Queries and keys are rotated together: one set of elementwise operations instead of two.
        var rotated = RotaryEmbedding.Apply(qkv.narrow(1, 0, _heads + _kvHeads), rotary.Cos, rotary.Sin);
        var query = rotated.narrow(1, 0, _heads);                                                      // [B, H, T, hd]
        var key = rotated.narrow(1, _heads, _kvHeads);                                                 // [B, K, T, hd]
        var (keys, values) = cache.Append(_layer, startSlot, key, qkv.narrow(1, _heads + _kvHeads, _kvHeads)); // [B, K, S, hd]
        var slots = keys.shape[2];

        var grouped = query.reshape(batch, _kvHeads, groups * tokens, _headDim);                  // [B, K, G·T, hd]
        var scores = grouped.matmul(keys.transpose(2, 3)).AsType(ScalarType.Float32).mul(_scale); // [B, K, G·T, S]
        if (_softcap is { } cap) scores = scores.div(cap).tanh().mul(cap);
        scores = scores.view(batch, _kvHeads, groups, tokens, slots).add(mask.unsqueeze(2), Scalars.One);
        var probabilities = scores.softmax(-1).AsType(x.dtype).view(batch, _kvHeads, groups * tokens, slots);
        var attended = probabilities.matmul(values)                                              // [B, K, G·T, hd]
            .view(batch, _heads, tokens, _headDim).transpose(1, 2).reshape(batch, tokens, _heads * _headDim);
        return NativeLinear.Apply(attended, output).MoveToOuterDisposeScope();
    }
}
