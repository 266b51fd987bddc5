using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Esr.Kernel.Models;

/// <summary>
/// A Llama decoder block of a decoding step in one native call (environment/native/esr_decoder_block.c): the same
/// kernels as <see cref="NativeRmsNorm"/>, <see cref="NativeLinear"/> and <see cref="NativeAttention"/>, and the
/// residual adds and SiLU·up, without the dozen dispatches between them (most of a toy model's step; 0.35 ms a block of
/// the bench model at batch 32 in bf16). Blocks with hooks inside them (attention or MLP output), Gemma-2's, prompts,
/// gradients and whatever <see cref="NativeAttention"/> does not take run part by part.
/// </summary>
internal static class NativeDecoderBlock
{
    /// <summary>The block's output [batch, 1, d] for x [batch, 1, d] (the cache slot <paramref name="slot"/> filled), or null where the kernel does not apply.</summary>
    internal static Tensor? TryDecode(
        Tensor x, RmsNorm attentionNorm, Attention attention, RmsNorm feedForwardNorm, GatedFeedForward feedForward,
        (Tensor Cos, Tensor Sin) rotary, Tensor mask, (Tensor Keys, Tensor Values) cache, int slot)
    {
        if (attention.HasSoftcap || feedForward.Gelu || attentionNorm.WeightIsOffsetFromOne || feedForwardNorm.WeightIsOffsetFromOne) return null;
        if (!NativeAttention.Accepts(x, rotary, mask, cache, slot, attention.HeadDimension)) return null;
        long batch = x.shape[0], hidden = x.shape[2];
        if (batch > NativeLinear.MaxRows(x.dtype)) return null;
        Tensor[] weights = [attentionNorm.Weight, attention.QueryKeyValue, attention.Output, feedForwardNorm.Weight, feedForward.GateUp, feedForward.Down];
        if (weights.Any(w => w.dtype != x.dtype || w.device_type != DeviceType.CPU || !w.is_contiguous())) return null;
        if (is_grad_enabled() && (x.requires_grad || weights.Any(w => w.requires_grad))) return null;
        var block = new Block
        {
            AttentionNorm = TensorMemory.Address(attentionNorm.Weight),
            QueryKeyValue = TensorMemory.Address(attention.QueryKeyValue),
            Output = TensorMemory.Address(attention.Output),
            FeedForwardNorm = TensorMemory.Address(feedForwardNorm.Weight),
            GateUp = TensorMemory.Address(feedForward.GateUp),
            Down = TensorMemory.Address(feedForward.Down),
            Cos = TensorMemory.Address(rotary.Cos),
            Sin = TensorMemory.Address(rotary.Sin),
            Keys = TensorMemory.Address(cache.Keys),
            Values = TensorMemory.Address(cache.Values),
            Mask = TensorMemory.Address(mask),
            Batch = batch,
            Hidden = hidden,
            Heads = attention.Heads,
            KeyValueHeads = attention.KeyValueHeads,
            HeadDimension = attention.HeadDimension,
            Intermediate = feedForward.IntermediateSize,
            Capacity = cache.Keys.shape[2],
            Slot = slot,
            Epsilon = attentionNorm.Epsilon,
            Scale = attention.NativeScale,
            BFloat16 = x.dtype == ScalarType.BFloat16 ? 1 : 0,
            Threads = get_num_threads(),
        };
        var output = empty_like(x);
        if (Decode(ref block, TensorMemory.Address(x), TensorMemory.Address(output)) == 0) return output;
        output.Dispose();
        return null;
    }

    // esr_block in esr_decoder_block.c, field for field.
    [StructLayout(LayoutKind.Sequential)]
    private struct Block
    {
        public IntPtr AttentionNorm, QueryKeyValue, Output, FeedForwardNorm, GateUp, Down, Cos, Sin, Keys, Values, Mask;
        public long Batch, Hidden, Heads, KeyValueHeads, HeadDimension, Intermediate, Capacity, Slot;
        public float Epsilon, Scale;
        public int BFloat16, Threads;
    }

    [DllImport(NativeLinear.Library, EntryPoint = "esr_decoder_block")]
    private static extern int Decode(ref Block block, IntPtr x, IntPtr y);
}
