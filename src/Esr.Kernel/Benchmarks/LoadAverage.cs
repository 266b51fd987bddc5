namespace Esr.Kernel.Benchmarks;

/// <summary>What the benchmark tables record about the machine a run was made on.</summary>
public static class LoadAverage
{
    /// <summary>The 1-, 5- and 15-minute load averages, or "unknown" off Linux.</summary>
    public static string Now() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>The CPU's model name as /proc/cpuinfo gives it.</summary>
    public static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
}
