using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Esr.Kernel.Models;

/// <summary>
/// A decoding step's self-attention in one native call per layer (environment/native/esr_attention.c): rotary
/// positions, the cache write and the attention over every slot so far, which libtorch does in some twenty operations
/// whose dispatch and passes over memory took a third of a small model's decoding step. fp32 or bf16 (computed in fp32,
/// rounded where stored) with AVX-512 only (where <see cref="NativeLinear"/> runs panels); CPUs without it, prompts,
/// attention logit soft-capping (Gemma-2) and <see cref="NativeLinear.Enabled"/> off go to libtorch.
/// </summary>
internal static class NativeAttention
{
    /// <summary>
    /// The attended values [batch, 1, heads·head_dim] of one new token per row, its key and value written to the
    /// cache's slot <paramref name="slot"/>; null where the kernel does not apply (nothing is written then).
    /// </summary>
    /// <param name="projected">[batch, 1, (heads + 2·kv_heads)·head_dim]: queries, keys, values before rotation; its
    /// dtype (fp32 or bf16) is that of the rotation, the cache and the result.</param>
    /// <param name="rotary">cos and sin [batch, 1, 1, head_dim].</param>
    /// <param name="mask">Additive float32 mask [batch, 1, 1, slot + 1].</param>
    /// <param name="cache">The layer's keys and values [batch, kv_heads, capacity, head_dim].</param>
    /// <param name="slot">The cache slot of the new tokens: they attend to slots 0 to <paramref name="slot"/>.</param>
    /// <param name="heads">Query heads.</param>
    /// <param name="kvHeads">Key-value heads (a divisor of <paramref name="heads"/>).</param>
    /// <param name="headDim">Elements per head.</param>
    /// <param name="scale">The factor of the query-key dot products.</param>
    internal static Tensor? TryDecode(
        Tensor projected, (Tensor Cos, Tensor Sin) rotary, Tensor mask, (Tensor Keys, Tensor Values) cache, int slot,
        int heads, int kvHeads, int headDim, float scale)
    {
        if (!Accepts(projected, rotary, mask, cache, slot, headDim)) return null;
        var dtype = projected.dtype;
        long batch = projected.shape[0], capacity = cache.Keys.shape[2];
        var attended = empty([batch, 1, (long)heads * headDim], dtype);
        using var scores = empty(batch * kvHeads * (slot + 1));
        var status = Decode(
            TensorMemory.Address(projected), TensorMemory.Address(rotary.Cos), TensorMemory.Address(rotary.Sin),
            TensorMemory.Address(cache.Keys), TensorMemory.Address(cache.Values), TensorMemory.Address(mask),
            TensorMemory.Address(attended), TensorMemory.Address(scores), batch, heads, kvHeads, headDim, capacity, slot, scale,
            dtype == ScalarType.BFloat16 ? 1 : 0, get_num_threads());
        if (status == 0) return attended;
        attended.Dispose();
        return null;
    }

    /// <summary>
    /// Whether the kernel takes a step whose new tokens are <paramref name="step"/> [batch, 1, ...] (its dtype, fp32 or
    /// bf16, that of every operand but the float32 mask): the fused kernels on, every operand a contiguous CPU tensor,
    /// and the mask and rotation shaped for one new token per row at <paramref name="slot"/>.
    /// </summary>
    internal static bool Accepts(Tensor step, (Tensor Cos, Tensor Sin) rotary, Tensor mask, (Tensor Keys, Tensor Values) cache, int slot, int headDim)
    {
        if (!NativeLinear.FusedKernels) return false;
        var dtype = step.dtype;
        if (dtype is not (ScalarType.Float32 or ScalarType.BFloat16) || mask.dtype != ScalarType.Float32) return false;
        Tensor[] operands = [step, rotary.Cos, rotary.Sin, cache.Keys, cache.Values];
        if (operands.Any(t => t.dtype != dtype) || operands.Append(mask).Any(t => t.device_type != DeviceType.CPU || !t.is_contiguous())) return false;
        var batch = step.shape[0];
        return step.shape[1] == 1 && mask.numel() == batch * (slot + 1) && rotary.Cos.numel() == batch * headDim;
    }

    [DllImport(NativeLinear.Library, EntryPoint = "esr_attention_decode")]
    private static extern int Decode(
        IntPtr projected, IntPtr cos, IntPtr sin, IntPtr keys, IntPtr values, IntPtr mask, IntPtr attended, IntPtr scores,
        long batch, long heads, long kvHeads, long headDim, long capacity, long slot, float scale, int bf16, int threads);
}
