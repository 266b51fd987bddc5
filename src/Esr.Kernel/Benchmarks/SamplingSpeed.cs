using System.Diagnostics;
using Esr.Kernel.Analysis;
using Esr.Kernel.Generation;
using static TorchSharp.torch;

namespace Esr.Kernel.Benchmarks;

/// <summary>
/// What picking one decoding step's tokens costs at a large vocabulary: generation copies each step's logits to the CPU
/// and picks every row's token there (<see cref="TokenSampler"/>), whatever device the model runs on. Measured on random
/// logits, the rows one after another on one thread against spread over the thread pool, as generation does for rows of
/// <see cref="TokenSampler.ParallelVocabulary"/> logits or more.
/// </summary>
public static class SamplingSpeed
{
    /// <summary>One batch size.</summary>
    /// <param name="Rows">Rows picked together.</param>
    /// <param name="OneThreadMilliseconds">Median milliseconds a step with the rows one after another.</param>
    /// <param name="PoolMilliseconds">Median milliseconds a step with the rows on the thread pool.</param>
    public sealed record Row(int Rows, double OneThreadMilliseconds, double PoolMilliseconds)
    {
        /// <summary>How many times faster the pool picks them.</summary>
        public double Speedup => OneThreadMilliseconds / PoolMilliseconds;
    }

    /// <summary>A run: its settings and one row per batch size.</summary>
    public sealed record Result(int Vocabulary, double Temperature, double TopP, int Repeats, IReadOnlyList<Row> Rows);

    /// <summary>Times <paramref name="repeats"/> steps of each batch size both ways, interleaved; medians.</summary>
    /// <param name="vocabulary">Logits a row (Llama-3: 128,256).</param>
    /// <param name="batches">Rows a step.</param>
    /// <param name="temperature">0 for greedy (the paper samples at 0.6).</param>
    /// <param name="topP">The nucleus (the paper's 1 keeps every token); no repetition penalty.</param>
    /// <param name="repeats">Timed steps each way.</param>
    /// <exception cref="ArgumentOutOfRangeException">The temperature is negative or not finite, or top-p is outside (0, 1].</exception>
    public static Result Measure(int vocabulary, IReadOnlyList<int> batches, double temperature, double topP, int repeats)
    {
        var options = new SamplingOptions(temperature, topP);
        options.Validate();
        using var generator = new Generator(1);
        var rows = batches.Select(count =>
        {
            // Shaped like a language model's: normal, standard deviation 2.5, so that a few tokens stand out.
            var logits = new float[count * vocabulary];
            using (var drawn = randn([logits.Length], generator: generator).mul_(2.5)) TensorMemory.CopyTo(drawn, logits);
            // A penalty of 1 leaves the logits as they are, so every step picks from the same ones.
            SamplingRow?[] Rows() => [.. Enumerable.Range(0, count).Select(row => new SamplingRow(options, [], new Random(row)))];
            double Time(bool parallel)
            {
                var clock = Stopwatch.StartNew();
                TokenSampler.NextForRows(logits, vocabulary, Rows(), parallel);
                return clock.Elapsed.TotalMilliseconds;
            }
            Time(parallel: false);
            Time(parallel: true);
            var oneThread = new List<double>();
            var pool = new List<double>();
            for (var repeat = 0; repeat < repeats; repeat++)
            {
                oneThread.Add(Time(parallel: false));
                pool.Add(Time(parallel: true));
            }
            return new Row(count, PairedTests.Median(oneThread), PairedTests.Median(pool));
        }).ToArray();
        return new Result(vocabulary, temperature, topP, repeats, rows);
    }
}
