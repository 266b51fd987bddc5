using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Esr.Kernel.Models;

/// <summary>
/// The engine's linear layers, x·Wᵀ, on the native kernels that environment/setup.sh builds
/// (environment/native/esr_linear.c, in the library libesr_native.so with the decoding attention of
/// <see cref="NativeAttention"/> and the RMS norm of <see cref="NativeRmsNorm"/>). Products of a few rows (decoding
/// steps) stream fp32 weights near the memory bandwidth where libtorch reaches half of it, and bf16 weights through
/// AVX-512 BF16; with AVX-512, fp32 products of any row count (prompts too) run on panel kernels that beat libtorch's
/// fp32 GEMM on AMD CPUs. Everything else, and every product where that library is absent, the CPU lacks the
/// instructions or gradients are tracked, goes to libtorch.
/// </summary>
public static class NativeLinear
{
    internal const string Library = "esr_native";

    /// <summary>Input rows up to which the dot-product kernels (bf16, and fp32 without AVX-512) are used: beyond it libtorch's GEMM is as fast or faster.</summary>
    public const int DotProductMaxRows = 32;

    [Flags]
    internal enum Isa
    {
        None = 0,
        Avx2 = 1,
        Avx512 = 2,
        Avx512Bf16 = 4,
    }

    /// <summary>What the loaded library can do on this CPU; <see cref="Isa.None"/> when it is not there.</summary>
    internal static Isa Supported { get; } = Probe();

    /// <summary>Whether the library is loaded and this CPU runs at least its fp32 kernels.</summary>
    public static bool Available => Supported != Isa.None;

    /// <summary>The kernels in use, for benchmark reports: "fp32 and bf16 (AVX-512)", or why there are none.</summary>
    public static string Description => Supported switch
    {
        Isa.None => "none (libtorch does every product; run environment/setup.sh to build them)",
        var isa when isa.HasFlag(Isa.Avx512Bf16) => "fp32 (any rows) and bf16, AVX-512; decoding attention and RMS norm in fp32 and bf16",
        var isa when isa.HasFlag(Isa.Avx512) => "fp32 (any rows), AVX-512 (bf16 by libtorch); decoding attention and RMS norm in fp32 and bf16",
        _ => "fp32, AVX2 (bf16 by libtorch)",
    };

    /// <summary>Whether the AVX-512 kernels beyond the products (<see cref="NativeAttention"/>, <see cref="NativeRmsNorm"/>) run: switched on and on such a CPU.</summary>
    internal static bool FusedKernels => Enabled && Supported.HasFlag(Isa.Avx512);

    /// <summary>The most input rows the kernels take in this dtype on this CPU (fp32 with AVX-512: any number).</summary>
    public static long MaxRows(ScalarType dtype) =>
        dtype == ScalarType.Float32 && Supported.HasFlag(Isa.Avx512) ? long.MaxValue : DotProductMaxRows;

    /// <summary>
    /// Off sends every product, decoding attention (<see cref="NativeAttention"/>) and RMS norm
    /// (<see cref="NativeRmsNorm"/>) to libtorch (benchmarks compare the two; tests check the kernels against libtorch).
    /// </summary>
    public static bool Enabled { get; set; } = true;

    /// <summary>
    /// Whether the library prefetches weights (environment/native/esr_linear.c): after a product of a few rows on
    /// several threads its idle pool workers prefetch the weights that followed it last time (a decoding step calls the
    /// same products in the same order, so the next product finds its first megabytes in cache, read while the step
    /// did its small operations), and within a product of a few rows each tile of weight rows prefetches the next.
    /// Prefetching never changes a result. On by default; <c>esr bench engine</c> measures decode both ways.
    /// </summary>
    public static bool PrefetchWeights
    {
        get => prefetchWeights;
        set
        {
            if (Supported != Isa.None) SetPrefetch(value ? 1 : 0);
            prefetchWeights = value;
        }
    }

    private static bool prefetchWeights = true;

    /// <summary>x [..., k] times weight [n, k] transposed: [..., n], in x's dtype.</summary>
    internal static Tensor Apply(Tensor x, Tensor weight) => TryNative(x, weight) ?? nn.functional.linear(x, weight);

    /// <summary>The native product, or null where it does not apply.</summary>
    internal static Tensor? TryNative(Tensor x, Tensor weight)
    {
        if (!Enabled || Supported == Isa.None || x.device_type != DeviceType.CPU || x.dtype != weight.dtype || !weight.is_contiguous()) return null;
        if (is_grad_enabled() && (x.requires_grad || weight.requires_grad)) return null;
        long k = weight.shape[1], n = weight.shape[0];
        if (x.shape[^1] != k) return null;
        var rows = x.numel() / k;
        if (rows == 0 || rows > MaxRows(x.dtype)) return null;
        var wide = x.dtype switch
        {
            ScalarType.Float32 => (Supported & (Isa.Avx2 | Isa.Avx512)) != 0,
            ScalarType.BFloat16 => Supported.HasFlag(Isa.Avx512Bf16),
            _ => false,
        };
        if (!wide) return null;
        using var copy = x.is_contiguous() ? null : x.contiguous();
        var input = copy ?? x;
        var shape = x.shape.ToArray();
        shape[^1] = n;
        var output = empty(shape, x.dtype, x.device);
        var status = x.dtype == ScalarType.Float32
            ? LinearFloat32(Data(input), Data(weight), Data(output), rows, k, n, get_num_threads())
            : LinearBFloat16(Data(input), Data(weight), Data(output), rows, k, n, get_num_threads());
        if (status == 0) return output;
        output.Dispose();
        return null;
    }

    private static IntPtr Data(Tensor tensor) => TensorMemory.Address(tensor);

    /// <summary>Asks the library what this CPU runs, within ESR_CPU_CAPABILITY (<see cref="Workbench.UsePortableNumerics"/>).</summary>
    internal static Isa Probe()
    {
        try
        {
            return (Isa)SupportedInstructions();
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return Isa.None; // not built (environment/setup.sh builds it): libtorch does every product
        }
    }

    [DllImport(Library, EntryPoint = "esr_linear_isa")]
    private static extern int SupportedInstructions();

    [DllImport(Library, EntryPoint = "esr_linear_f32")]
    private static extern int LinearFloat32(IntPtr x, IntPtr weight, IntPtr y, long rows, long k, long n, int threads);

    [DllImport(Library, EntryPoint = "esr_linear_prefetch")]
    private static extern void SetPrefetch(int enabled);

    [DllImport(Library, EntryPoint = "esr_linear_bf16")]
    private static extern int LinearBFloat16(IntPtr x, IntPtr weight, IntPtr y, long rows, long k, long n, int threads);
}
