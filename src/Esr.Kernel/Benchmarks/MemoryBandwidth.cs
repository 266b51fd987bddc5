using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Esr.Kernel.Benchmarks;

/// <summary>
/// The machine's memory read bandwidth: threads summing a buffer larger than the caches, the best of several passes.
/// The buffer is cut into slices that threads claim one at a time, so a thread the scheduler holds back (on a busy
/// machine) leaves its share to the others instead of stretching the pass. A decoding step at one row must read every
/// weight once, so this bounds its speed from above. The buffer is kept, so the floor can be read again beside each
/// timed run: on a shared machine it moves by half within minutes (docs/PERFORMANCE.md).
/// </summary>
public sealed class MemoryBandwidth
{
    private const int SliceFloats = 4 << 20; // 16 MiB

    private readonly float[] _buffer;

    /// <summary>Allocates and touches a buffer of about <paramref name="bytes"/> (whole 16 MiB slices, at least one).</summary>
    public MemoryBandwidth(long bytes)
    {
        _buffer = new float[Math.Max(1, bytes / sizeof(float) / SliceFloats) * SliceFloats];
        Array.Fill(_buffer, 1f); // every page faulted in before any timing
    }

    /// <summary>The bytes of the buffer.</summary>
    public long Bytes => _buffer.LongLength * sizeof(float);

    /// <summary>Bytes read per second by <paramref name="threads"/> threads over the buffer: the best of <paramref name="passes"/>.</summary>
    public double Measure(int threads, int passes = 5)
    {
        var slices = (int)(_buffer.LongLength / SliceFloats);
        var best = 0.0;
        for (var pass = 0; pass < passes; pass++)
        {
            var next = -1;
            var sums = new float[threads];
            var clock = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, thread =>
            {
                for (int slice; (slice = Interlocked.Increment(ref next)) < slices;)
                    sums[thread] += Sum(_buffer.AsSpan(slice * SliceFloats, SliceFloats));
            });
            best = Math.Max(best, Bytes / clock.Elapsed.TotalSeconds);
        }
        return best;
    }

    // Eight streams per slice, as the native kernels read eight weight rows at a time: one sequential stream per
    // thread leaves the hardware prefetchers short of requests in flight and reads measurably slower.
    private const int Streams = 8;

    private static float Sum(ReadOnlySpan<float> values)
    {
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        var length = vectors.Length / Streams;
        Vector<float> a = default, b = default, c = default, d = default, e = default, f = default, g = default, h = default;
        for (var i = 0; i < length; i++)
        {
            a += vectors[i];
            b += vectors[length + i];
            c += vectors[2 * length + i];
            d += vectors[3 * length + i];
            e += vectors[4 * length + i];
            f += vectors[5 * length + i];
            g += vectors[6 * length + i];
            h += vectors[7 * length + i];
        }
        return Vector.Sum(a + b + c + d + e + f + g + h);
    }
}
