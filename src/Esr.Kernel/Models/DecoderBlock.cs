using TorchSharp;
using static TorchSharp.torch;
using Esr.Kernel.Hooks;

namespace Esr.Kernel.Models;

/// <summary>
/// One decoder block. Llama: x += attn(norm(x)); x += mlp(norm(x)). Gemma-2 also normalises each branch's
/// output before adding it back to the residual stream. A Llama block's decoding step without hooks inside the block
/// runs as one native call (<see cref="NativeDecoderBlock"/>).
/// </summary>
internal sealed class DecoderBlock : nn.Module
{
    private readonly RmsNorm attentionNorm;
    private readonly Attention attention;
    private readonly RmsNorm? attentionOutputNorm; // Gemma-2 only
    private readonly RmsNorm feedForwardNorm;
    private readonly GatedFeedForward feedForward;
    private readonly RmsNorm? feedForwardOutputNorm; // Gemma-2 only

    public DecoderBlock(string name, ModelConfig config, int layer, ScalarType dtype, Device device) : base(name)
    {
        var gemma = config.Architecture == ModelArchitecture.Gemma2;
        RmsNorm Norm(string normName) => new(normName, config.HiddenSize, config.RmsNormEpsilon, gemma, dtype, device);
        attentionNorm = Norm("input_layernorm");
        attention = new Attention("self_attn", config, layer, dtype, device);
        feedForward = new GatedFeedForward("mlp", config, dtype, device);
        if (gemma)
        {
            attentionOutputNorm = Norm("post_attention_layernorm");
            feedForwardNorm = Norm("pre_feedforward_layernorm");
            feedForwardOutputNorm = Norm("post_feedforward_layernorm");
        }
        else
        {
            feedForwardNorm = Norm("post_attention_layernorm");
        }
        RegisterComponents();
    }

    /// <summary>Where each Hugging Face tensor of this block lives, under <paramref name="prefix"/> (e.g. "model.layers.3.").</summary>
    public IEnumerable<(string Name, Tensor Destination)> Weights(string prefix)
    {
        foreach (var weight in attention.Weights($"{prefix}self_attn.")) yield return weight;
        foreach (var weight in feedForward.Weights($"{prefix}mlp.")) yield return weight;
        foreach (var norm in new[] { attentionNorm, attentionOutputNorm, feedForwardNorm, feedForwardOutputNorm })
        {
            if (norm is not null) yield return ($"{prefix}{norm.GetName()}.weight", norm.Weight);
        }
    }

    /// <summary>The matrices a forward pass multiplies by, in order.</summary>
    public IEnumerable<Tensor> Projections() => attention.Projections().Concat(feedForward.Projections());

    /// <summary>The block's output for one new token per row in one native call (Llama only), or null where that does not apply.</summary>
    internal Tensor? TryDecodeNatively(Tensor x, (Tensor Cos, Tensor Sin) rotary, Tensor mask, KvCache cache, int startSlot) =>
        attentionOutputNorm is null
            ? NativeDecoderBlock.TryDecode(x, attentionNorm, attention, feedForwardNorm, feedForward, rotary, mask, cache.Layer(attention.Layer), startSlot)
            : null;

    /// <summary>
    /// The block's output and, when <paramref name="keepMiddle"/>, its residual stream after the attention add (before
    /// the MLP add; null otherwise); <paramref name="branchHook"/> (site, branch output) may replace each branch's
    /// output before it is added.
    /// </summary>
    public (Tensor Output, Tensor? Middle) Forward(
        Tensor x, (Tensor Cos, Tensor Sin) rotary, Tensor mask, KvCache cache, int startSlot,
        Func<string, Tensor, Tensor>? branchHook = null, bool keepMiddle = false)
    {
        if (branchHook is null && !keepMiddle && TryDecodeNatively(x, rotary, mask, cache, startSlot) is { } decoded) return (decoded, null);
        using var scope = NewDisposeScope();
        var attended = attention.Forward(attentionNorm.forward(x), rotary, mask, cache, startSlot);
        attended = attentionOutputNorm?.forward(attended) ?? attended;
        if (branchHook is not null) attended = branchHook(HookPoint.AttentionOut, attended);
        var middle = x.add(attended, Scalars.One);
        var fed = feedForward.forward(feedForwardNorm.forward(middle));
        fed = feedForwardOutputNorm?.forward(fed) ?? fed;
        if (branchHook is not null) fed = branchHook(HookPoint.MlpOut, fed);
        var output = middle.add(fed, Scalars.One);
        return (output.MoveToOuterDisposeScope(), keepMiddle ? middle.MoveToOuterDisposeScope() : null);
    }
}
