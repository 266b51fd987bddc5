using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Numerics;

namespace Esr.Cli.Benchmarks;

/// <summary>
/// The machine's memory read bandwidth: threads summing disjoint slices of a buffer larger than the caches, the best
/// of several passes. A decoding step at one row must read every weight once, so this bounds its speed from above.
/// </summary>
internal static class MemoryBandwidth
{
    /// <summary>Bytes read per second by <paramref name="threads"/> threads over a buffer of <paramref name="bytes"/>.</summary>
    public static double Measure(long bytes, int threads, int passes = 5)
    {
        var buffer = new float[bytes / sizeof(float)];
        Array.Fill(buffer, 1f); // touch every page before timing
        var slice = buffer.Length / threads / Vector<float>.Count * Vector<float>.Count;
        var best = 0.0;
        for (var pass = 0; pass < passes; pass++)
        {
            var clock = Stopwatch.StartNew();
            var sums = new float[threads];
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads },
                thread => sums[thread] = Sum(buffer.AsSpan(thread * slice, slice)));
            var seconds = clock.Elapsed.TotalSeconds;
            best = Math.Max(best, (double)slice * threads * sizeof(float) / seconds);
        }
        return best;
    }

    // Four independent accumulators, so the adds do not wait on each other and only memory limits the loop.
    private static float Sum(ReadOnlySpan<float> values)
    {
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        Vector<float> a = default, b = default, c = default, d = default;
        var i = 0;
        for (; i + 4 <= vectors.Length; i += 4)
        {
            a += vectors[i];
            b += vectors[i + 1];
            c += vectors[i + 2];
            d += vectors[i + 3];
        }
        for (; i < vectors.Length; i++) a += vectors[i];
        return Vector.Sum(a + b + c + d);
    }
}
