using System.Globalization;
using Esr.Kernel.Formats;
using Esr.Kernel.Models;
using static TorchSharp.torch;

namespace Esr.Kernel.Benchmarks;

/// <summary>
/// What loading a checkpoint costs in resident memory. The peak is the process's, so measure in a fresh process
/// where nothing else has inflated it (<c>esr bench engine</c> starts one).
/// </summary>
/// <param name="BaselineBytes">Resident bytes before loading, libtorch initialised.</param>
/// <param name="PeakBytes">The process's peak resident bytes once the model is loaded.</param>
/// <param name="DataBytes">The checkpoint's tensor bytes.</param>
public sealed record LoadMemory(long BaselineBytes, long PeakBytes, long DataBytes)
{
    /// <summary>Loads <paramref name="modelDirectory"/> in float32 and reports resident memory before and at its peak.</summary>
    public static LoadMemory Measure(string modelDirectory)
    {
        using (tensor(0f)) { } // initialise libtorch before the baseline
        var baseline = ResidentBytes("VmRSS");
        long dataBytes;
        using (var checkpoint = Checkpoint.Open(modelDirectory)) dataBytes = checkpoint.DataBytes;
        using var model = CausalLanguageModel.Load(modelDirectory);
        // The kernel raises its high-water mark only at some unmaps and counts resident pages lazily, so VmHWM can read a
        // page below an earlier VmRSS (seen in a test run); the baseline is a size the process reached too.
        return new LoadMemory(baseline, Math.Max(baseline, ResidentBytes("VmHWM")), dataBytes);
    }

    /// <summary>A field of /proc/self/status in bytes (VmRSS: now; VmHWM: the peak so far).</summary>
    private static long ResidentBytes(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(text => text.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
