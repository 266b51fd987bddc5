using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Esr.Kernel.Models;

/// <summary>
/// Keeps libtorch's large temporary tensors in glibc's heap instead of fresh memory maps. By default glibc maps every
/// allocation over 32 MB anew and gives free heap memory back to the system eagerly, so each product of a long prompt
/// (a 4096-token batch's MLP activations are 33 MB) wrote into pages the kernel had to fault in and zero first: about
/// half of a batch-32 prompt's time (docs/PERFORMANCE.md). With maps only above 256 MB and up to 512 MB of free heap
/// kept, the next step reuses the same pages. Applied when this assembly loads, unless the user tuned malloc.
/// </summary>
internal static class MallocPolicy
{
    private const int MapThresholdOption = -3;  // M_MMAP_THRESHOLD
    private const int TrimThresholdOption = -1; // M_TRIM_THRESHOLD

    /// <summary>Allocations at least this large still get their own memory map (model weights of large models).</summary>
    internal const int MapThresholdBytes = 256 << 20;

    /// <summary>Free memory at the top of the heap kept for later allocations before any is given back.</summary>
    internal const int TrimThresholdBytes = 512 << 20;

    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "set before the first tensor is allocated")]
    internal static void Apply()
    {
        if (!OperatingSystem.IsLinux() || UserTuned()) return;
        try
        {
            _ = SetOption(MapThresholdOption, MapThresholdBytes);
            _ = SetOption(TrimThresholdOption, TrimThresholdBytes);
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            // not glibc (musl has no mallopt): its allocator stays as it is
        }
    }

    /// <summary>
    /// Gives the system the free memory glibc holds anywhere in its heaps (malloc_trim), not only at their tops. A
    /// training loop frees tensors of varying sizes every step, and glibc kept the freed pages: an SAE's training grew
    /// to 9.3 GB resident in 900 steps where 0.6 GB was live (docs/PERFORMANCE.md). No-op without glibc.
    /// </summary>
    internal static void ReleaseFreeMemory()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            _ = Trim(0);
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            // not glibc: nothing to trim
        }
    }

    private static bool UserTuned() =>
        Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null
        || Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is not null
        || Environment.GetEnvironmentVariable("GLIBC_TUNABLES")?.Contains("glibc.malloc.", StringComparison.Ordinal) == true;

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    private static extern int SetOption(int option, int value);

    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static extern int Trim(nuint pad);
}
