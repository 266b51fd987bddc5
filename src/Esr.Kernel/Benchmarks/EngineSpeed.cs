using System.Globalization;
using Esr.Kernel.Analysis;
using Esr.Kernel.Generation;
using Esr.Kernel.Models;
using static TorchSharp.torch;

namespace Esr.Kernel.Benchmarks;

/// <summary>
/// Prefill and decode speed of the engine, with fp32 and with bf16 weights, against a reference engine on the same
/// checkpoint (greedy, same prompts) at several batch sizes; the memory floor of a decoding step; and where a step's
/// time goes. libtorch's thread count is the caller's (<c>Workbench.SetThreads</c>).
/// </summary>
public sealed class EngineSpeed(TextWriter log)
{
    /// <summary>
    /// One measured batch size: the engine in fp32 and with bf16 weights, and the reference, in tokens/s;
    /// <paramref name="UnprefetchedDecode"/> and <paramref name="Bf16UnprefetchedDecode"/> are fp32 and bf16 decode with
    /// <see cref="NativeLinear.PrefetchWeights"/> off.
    /// </summary>
    public sealed record Row(int Batch, double EnginePrefill, double EngineDecode, double ReferencePrefill, double ReferenceDecode, int SameRows,
        double Bf16Prefill, double Bf16Decode, double UnprefetchedDecode, double Bf16UnprefetchedDecode);

    /// <summary>
    /// The memory floor of a run: read bandwidth (measured before and after the speed runs; the higher counts) over a
    /// buffer of <paramref name="BufferBytes"/>, and the weight bytes a decoding step streams in fp32 and in bf16, which
    /// give the fastest possible batch-1 decode.
    /// </summary>
    public sealed record Floor(double BytesPerSecond, long BufferBytes, long Float32StepBytes, long BFloat16StepBytes)
    {
        /// <summary>Batch-1 decode tokens/s if a step cost only reading its fp32 weights once.</summary>
        public double Float32TokensPerSecond => BytesPerSecond / Float32StepBytes;

        /// <summary>The same for bf16 weights.</summary>
        public double BFloat16TokensPerSecond => BytesPerSecond / BFloat16StepBytes;
    }

    /// <summary>
    /// One batch-1 repetition against the floor read just before it (<paramref name="BytesPerSecond"/>, the same best of
    /// five passes): the floor moves within a run on a shared machine, so each rate is set against its own.
    /// </summary>
    public sealed record FloorBeside(double BytesPerSecond, double Float32Decode, double BFloat16Decode);

    /// <summary>
    /// A whole speed run; <paramref name="Beside"/> holds each batch-1 repetition with its own floor (none without batch
    /// 1); <paramref name="Load"/> is the machine's load average at its start and end.
    /// </summary>
    public sealed record Result(IReadOnlyList<Row> Rows, Floor Floor, IReadOnlyList<(string Setup, DecodeProfile Profile)> Profiles, string Load,
        IReadOnlyList<FloorBeside> Beside);

    /// <summary>The buffer the bandwidth is read over: far beyond any cache of the machines we run on.</summary>
    public const long BandwidthBufferBytes = 1L << 30;

    /// <summary>
    /// Runs the comparison on the Llama at <paramref name="checkpoint"/>: per batch size the repeats of the three
    /// engines interleaved (fp32 engine, bf16 engine, <paramref name="reference"/>: prompts and new tokens to its timed
    /// greedy run; llama.cpp in <c>esr bench engine</c>, as the progress lines say; then the fp32 and bf16 engines again
    /// without weight prefetch), so that load on the machine hits all of them alike; medians count. <paramref name="threads"/> read <paramref name="bandwidthBufferBytes"/> of memory
    /// for the floor: before and after the runs, and before each batch-1 repetition.
    /// </summary>
    public Result Measure(string checkpoint, int[] batchSizes, int promptTokens, int newTokens, int repeats, int threads,
        Func<int[][], int, GreedyRun> reference, long bandwidthBufferBytes = BandwidthBufferBytes)
    {
        var loadBefore = LoadAverage.Now();
        var floor = new MemoryBandwidth(bandwidthBufferBytes);
        var bandwidthBefore = floor.Measure(threads);
        using var engine = CausalLanguageModel.Load(checkpoint);
        using var bf16 = CausalLanguageModel.Load(checkpoint, ScalarType.BFloat16);
        var generator = new BatchGenerator(engine);
        var bf16Generator = new BatchGenerator(bf16);
        var vocabulary = engine.Config.VocabularySize;
        var random = new Random(3);
        // One untimed run each, so that JIT compilation and first-touch allocation stay out of the numbers.
        int[] warmUp = Enumerable.Range(3, promptTokens).Select(token => token % vocabulary).ToArray();
        GreedyRun.Time(generator, [warmUp], 2);
        GreedyRun.Time(bf16Generator, [warmUp], 2);
        reference([warmUp], 2);
        var rows = new List<Row>();
        var beside = new List<FloorBeside>();
        foreach (var batch in batchSizes)
        {
            var prompts = Enumerable.Range(0, batch)
                .Select(_ => Enumerable.Range(0, promptTokens).Select(_ => random.Next(3, vocabulary)).ToArray())
                .ToArray();
            var ours = new List<GreedyRun>();
            var halves = new List<GreedyRun>();
            var theirs = new List<GreedyRun>();
            var unprefetched = new List<GreedyRun>();
            var bf16Unprefetched = new List<GreedyRun>();
            for (var repeat = 0; repeat < repeats; repeat++)
            {
                var bandwidthBeside = batch == 1 ? floor.Measure(threads) : 0;
                ours.Add(GreedyRun.Time(generator, prompts, newTokens));
                halves.Add(GreedyRun.Time(bf16Generator, prompts, newTokens));
                if (batch == 1) beside.Add(new FloorBeside(bandwidthBeside, ours[^1].DecodeTokensPerSecond, halves[^1].DecodeTokensPerSecond));
                theirs.Add(reference(prompts, newTokens));
                unprefetched.Add(WithoutPrefetch(() => GreedyRun.Time(generator, prompts, newTokens)));
                bf16Unprefetched.Add(WithoutPrefetch(() => GreedyRun.Time(bf16Generator, prompts, newTokens)));
            }
            // Rows whose greedy tokens agree: a random model has near-ties (top-2 logit gaps of 1e-5) where two correct
            // fp32 engines may pick differently, after which the rest of that row differs.
            var same = ours[0].Tokens.Zip(theirs[0].Tokens).Count(pair => pair.First.SequenceEqual(pair.Second));
            var row = new Row(batch, Median(ours, run => run.PrefillTokensPerSecond), Median(ours, run => run.DecodeTokensPerSecond),
                Median(theirs, run => run.PrefillTokensPerSecond), Median(theirs, run => run.DecodeTokensPerSecond),
                same, Median(halves, run => run.PrefillTokensPerSecond), Median(halves, run => run.DecodeTokensPerSecond),
                Median(unprefetched, run => run.DecodeTokensPerSecond), Median(bf16Unprefetched, run => run.DecodeTokensPerSecond));
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"batch {batch}: engine prefill {row.EnginePrefill:F0} tok/s, decode {row.EngineDecode:F1} tok/s ({row.UnprefetchedDecode:F1} without weight prefetch; bf16 {row.Bf16Prefill:F0} / {row.Bf16Decode:F1}, {row.Bf16UnprefetchedDecode:F1} without); llama.cpp {row.ReferencePrefill:F0} / {row.ReferenceDecode:F1}; rows with the same greedy tokens: {same} of {batch}"));
            rows.Add(row);
        }

        var profiles = new List<(string, DecodeProfile)>();
        foreach (var (name, model) in new[] { ("fp32", engine), ("bf16", bf16) })
        {
            foreach (var kernels in new[] { true, false })
            {
                if (!kernels && !NativeLinear.Available) continue;
                NativeLinear.Enabled = kernels;
                try
                {
                    foreach (var batch in new[] { 1, 8, 32 })
                        profiles.Add(($"{name}, {(kernels ? "engine" : "libtorch only")}", DecodeProfile.Measure(model, batch, promptTokens, newTokens)));
                }
                finally
                {
                    NativeLinear.Enabled = true;
                }
            }
        }
        var bandwidth = Math.Max(bandwidthBefore, floor.Measure(threads));
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"memory read bandwidth {bandwidth / 1e9:F1} GB/s ({bandwidthBefore / 1e9:F1} before the runs)"));
        return new Result(rows, new Floor(bandwidth, floor.Bytes, engine.DecodeWeightBytes, bf16.DecodeWeightBytes), profiles,
            $"{loadBefore} at the start, {LoadAverage.Now()} at the end", beside);
    }

    private static GreedyRun WithoutPrefetch(Func<GreedyRun> run)
    {
        NativeLinear.PrefetchWeights = false;
        try
        {
            return run();
        }
        finally
        {
            NativeLinear.PrefetchWeights = true;
        }
    }

    private static double Median(List<GreedyRun> runs, Func<GreedyRun, double> rate) => PairedTests.Median(runs.Select(rate).ToArray());
}
