using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Esr.Kernel.Models;

/// <summary>
/// RMS norm in one native call (environment/native/esr_rms_norm.c) where libtorch takes six operations: 25 of them a
/// decoding step of a 12-block model, and at a long prompt six passes over its activations. fp32 or bf16 with AVX-512
/// (where <see cref="NativeLinear"/> runs panels); training with gradients, other dtypes, devices or CPUs, and
/// <see cref="NativeLinear.Enabled"/> off go to libtorch.
/// </summary>
internal static class NativeRmsNorm
{
    /// <summary>x [..., d] normalised over its last axis and scaled by <paramref name="weight"/> [d] (or 1 + weight); null where the kernel does not apply.</summary>
    internal static Tensor? TryApply(Tensor x, Tensor weight, float epsilon, bool weightIsOffsetFromOne)
    {
        if (!NativeLinear.FusedKernels) return null;
        if (x.dtype is not (ScalarType.Float32 or ScalarType.BFloat16) || weight.dtype != x.dtype) return null;
        if (x.device_type != DeviceType.CPU || weight.device_type != DeviceType.CPU || !weight.is_contiguous()) return null;
        if (is_grad_enabled() && (x.requires_grad || weight.requires_grad)) return null;
        var size = weight.shape[0];
        if (x.shape[^1] != size || x.numel() == 0) return null;
        using var copy = x.is_contiguous() ? null : x.contiguous();
        var input = copy ?? x;
        var output = empty_like(input);
        var status = Normalise(TensorMemory.Address(input), TensorMemory.Address(weight), TensorMemory.Address(output), input.numel() / size, size,
            epsilon, weightIsOffsetFromOne ? 1 : 0, x.dtype == ScalarType.BFloat16 ? 1 : 0, get_num_threads());
        if (status == 0) return output;
        output.Dispose();
        return null;
    }

    [DllImport(NativeLinear.Library, EntryPoint = "esr_rms_norm")]
    private static extern int Normalise(IntPtr x, IntPtr weight, IntPtr y, long rows, long size, float epsilon, int offset, int bf16, int threads);
}
