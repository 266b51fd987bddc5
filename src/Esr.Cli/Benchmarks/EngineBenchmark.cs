using System.Diagnostics;
using System.Globalization;
using System.Text;
using Esr.Kernel;
using Esr.Kernel.Formats;
using Esr.Kernel.Generation;
using Esr.Kernel.Models;
using Esr.LlamaCpp;
using static TorchSharp.torch;

namespace Esr.Cli.Benchmarks;

/// <summary>
/// Prefill and decode speed of the engine against llama.cpp on the same random ~125M-parameter Llama (fp32,
/// greedy, same prompts) at several batch sizes, and the peak memory of loading a large checkpoint.
/// </summary>
public sealed class EngineBenchmark(TextWriter log)
{
    /// <summary>The model of PLATFORM.md's speed anchors: 124.7M parameters.</summary>
    public static TinySpec SpeedModel => new()
    {
        ModelType = "llama", VocabSize = 32000, HiddenSize = 768, IntermediateSize = 2048, Layers = 12,
        Heads = 12, KvHeads = 4, HeadDim = 64, RopeTheta = 500000, MaxPositionEmbeddings = 2048,
    };

    /// <summary>A ~2.6 GB fp32 Llama (645M parameters) for the loading-memory measurement.</summary>
    public static TinySpec LargeModel => new()
    {
        ModelType = "llama", VocabSize = 32000, HiddenSize = 2048, IntermediateSize = 5632, Layers = 10,
        Heads = 16, KvHeads = 16, HeadDim = 128, MaxPositionEmbeddings = 2048,
    };

    /// <summary>One measured batch size: the engine in fp32 and with bf16 weights, and llama.cpp (fp32), in tokens/s.</summary>
    public sealed record Row(int Batch, double EnginePrefill, double EngineDecode, double ReferencePrefill, double ReferenceDecode, bool SameTokens,
        double Bf16Prefill, double Bf16Decode);

    /// <summary>
    /// The memory floor of a run: read bandwidth (measured before and after the speed runs; the higher counts) and the
    /// weight bytes a decoding step streams in fp32 and in bf16, which give the fastest possible batch-1 decode.
    /// </summary>
    public sealed record Floor(double BytesPerSecond, long Float32StepBytes, long BFloat16StepBytes)
    {
        /// <summary>Batch-1 decode tokens/s if a step cost only reading its fp32 weights once.</summary>
        public double Float32TokensPerSecond => BytesPerSecond / Float32StepBytes;

        /// <summary>The same for bf16 weights.</summary>
        public double BFloat16TokensPerSecond => BytesPerSecond / BFloat16StepBytes;
    }

    /// <summary>A whole speed run.</summary>
    public sealed record SpeedRun(IReadOnlyList<Row> Rows, Floor Floor, IReadOnlyList<(string Setup, DecodeProfile Profile)> Profiles, string Load);

    /// <summary>The buffer the bandwidth is read over: far beyond any cache of the machines we run on.</summary>
    public const long BandwidthBufferBytes = 1L << 30;

    /// <summary>
    /// Runs the speed comparison in <paramref name="workDirectory"/>: per batch size the repeats of the three engines
    /// interleaved (fp32 engine, bf16 engine, llama.cpp), so that load on the machine hits all three alike.
    /// </summary>
    public SpeedRun MeasureSpeed(string workDirectory, int[] batchSizes, int promptTokens, int newTokens, int repeats, int threads)
    {
        var checkpoint = Path.Combine(workDirectory, "speed-model");
        var gguf = Path.Combine(workDirectory, "speed-model.gguf");
        log.WriteLine($"writing a random {SpeedModel.Layers}-layer d={SpeedModel.HiddenSize} Llama to {checkpoint}");
        TinyCheckpoint.Write(checkpoint, SpeedModel, seed: 1);
        GgufExporter.Export(checkpoint, gguf);

        Workbench.SetThreads(threads);
        var loadBefore = LoadAverage.Now();
        var bandwidthBefore = MemoryBandwidth.Measure(BandwidthBufferBytes, threads);
        using var engine = CausalLanguageModel.Load(checkpoint);
        using var bf16 = CausalLanguageModel.Load(checkpoint, ScalarType.BFloat16);
        using var reference = LlamaCppModel.Load(gguf, new LlamaCppOptions { Threads = threads });
        var generator = new BatchGenerator(engine);
        var bf16Generator = new BatchGenerator(bf16);
        var random = new Random(3);
        // One untimed run each, so that JIT compilation and first-touch allocation stay out of the numbers.
        int[] warmUp = Enumerable.Range(3, promptTokens).ToArray();
        TimeEngine(generator, [warmUp], 2);
        TimeEngine(bf16Generator, [warmUp], 2);
        reference.RunBatched([warmUp], 2);
        var rows = new List<Row>();
        foreach (var batch in batchSizes)
        {
            var prompts = Enumerable.Range(0, batch)
                .Select(_ => Enumerable.Range(0, promptTokens).Select(_ => random.Next(3, SpeedModel.VocabSize)).ToArray())
                .ToArray();
            var ours = new List<(double Prefill, double Decode, int[][] Tokens)>();
            var halves = new List<(double Prefill, double Decode, int[][] Tokens)>();
            var theirs = new List<BatchedRunResult>();
            for (var repeat = 0; repeat < repeats; repeat++)
            {
                ours.Add(TimeEngine(generator, prompts, newTokens));
                halves.Add(TimeEngine(bf16Generator, prompts, newTokens));
                theirs.Add(reference.RunBatched(prompts, newTokens));
            }
            var same = ours[0].Tokens.Zip(theirs[0].Tokens).All(pair => pair.First.SequenceEqual(pair.Second));
            var row = new Row(batch,
                Statistics.Median(ours.Select(run => run.Prefill)), Statistics.Median(ours.Select(run => run.Decode)),
                Statistics.Median(theirs.Select(run => run.PrefillTokensPerSecond)), Statistics.Median(theirs.Select(run => run.DecodeTokensPerSecond)),
                same, Statistics.Median(halves.Select(run => run.Prefill)), Statistics.Median(halves.Select(run => run.Decode)));
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"batch {batch}: engine prefill {row.EnginePrefill:F0} tok/s, decode {row.EngineDecode:F1} tok/s (bf16 {row.Bf16Prefill:F0} / {row.Bf16Decode:F1}); llama.cpp {row.ReferencePrefill:F0} / {row.ReferenceDecode:F1}; same greedy tokens: {same}"));
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
                    foreach (var batch in new[] { 1, 8 })
                        profiles.Add(($"{name}, {(kernels ? "engine" : "libtorch only")}", DecodeProfile.Measure(model, batch, promptTokens, newTokens)));
                }
                finally
                {
                    NativeLinear.Enabled = true;
                }
            }
        }
        var bandwidth = Math.Max(bandwidthBefore, MemoryBandwidth.Measure(BandwidthBufferBytes, threads));
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"memory read bandwidth {bandwidth / 1e9:F1} GB/s ({bandwidthBefore / 1e9:F1} before the runs)"));
        return new SpeedRun(rows, new Floor(bandwidth, engine.DecodeWeightBytes, bf16.DecodeWeightBytes), profiles,
            $"{loadBefore} at the start, {LoadAverage.Now()} at the end");
    }

    /// <summary>Greedy generation of <paramref name="prompts"/>: prefill tokens/s (to every row's first token), decode tokens/s, the tokens.</summary>
    internal static (double Prefill, double Decode, int[][] Tokens) TimeEngine(BatchGenerator generator, int[][] prompts, int newTokens)
    {
        var requests = prompts.Select(prompt => new GenerationRequest(prompt, SamplingOptions.Greedy(newTokens), 0, new HashSet<int>())).ToArray();
        var clock = Stopwatch.StartNew();
        var prefillSeconds = 0.0;
        var results = generator.Generate(requests, onToken: token =>
        {
            if (token.Index == 0 && token.Request == prompts.Length - 1) prefillSeconds = clock.Elapsed.TotalSeconds;
        });
        var decodeSeconds = clock.Elapsed.TotalSeconds - prefillSeconds;
        var tokens = results.Select(result => result.TokenIds.ToArray()).ToArray();
        return (prompts.Sum(prompt => prompt.Length) / prefillSeconds, prompts.Length * (newTokens - 1) / decodeSeconds, tokens);
    }

    /// <summary>Loads <paramref name="modelDirectory"/> and reports resident memory before and at its peak.</summary>
    public static (long BaselineBytes, long PeakBytes, long DataBytes) MeasureLoad(string modelDirectory)
    {
        using (tensor(0f)) { } // initialise libtorch before the baseline
        var baseline = ResidentBytes("VmRSS");
        long dataBytes;
        using (var checkpoint = Checkpoint.Open(modelDirectory)) dataBytes = checkpoint.DataBytes;
        using var model = CausalLanguageModel.Load(modelDirectory);
        return (baseline, ResidentBytes("VmHWM"), dataBytes);
    }

    /// <summary>A field of /proc/self/status in bytes (VmRSS: now; VmHWM: the peak so far).</summary>
    private static long ResidentBytes(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(text => text.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>The markdown tables of a run.</summary>
    public static string Markdown(SpeedRun run, (long BaselineBytes, long PeakBytes, long DataBytes)? load, string command)
    {
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.AppendLine(invariant, $"Made by `{command}` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores ({LoadAverage.CpuModel()}), "
            + $"load average {run.Load}; native kernels: {NativeLinear.Description}.");
        text.AppendLine();
        text.AppendLine("| batch | engine prefill tok/s | llama.cpp prefill tok/s | ratio | engine decode tok/s | llama.cpp decode tok/s | ratio | same greedy tokens | bf16 prefill tok/s | bf16 decode tok/s | bf16 / fp32 decode |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var row in run.Rows)
        {
            text.AppendLine(invariant,
                $"| {row.Batch} | {row.EnginePrefill:F0} | {row.ReferencePrefill:F0} | {row.EnginePrefill / row.ReferencePrefill:F2} | {row.EngineDecode:F1} | {row.ReferenceDecode:F1} | {row.EngineDecode / row.ReferenceDecode:F2} | {(row.SameTokens ? "yes" : "no")} | {row.Bf16Prefill:F0} | {row.Bf16Decode:F1} | {row.Bf16Decode / row.EngineDecode:F2} |");
        }
        var floor = run.Floor;
        text.AppendLine();
        text.AppendLine(invariant,
            $"Memory floor: {floor.BytesPerSecond / 1e9:F1} GB/s read over {BandwidthBufferBytes >> 20} MiB; a decoding step streams {floor.Float32StepBytes / 1e6:F0} MB of fp32 weights "
            + $"({floor.BFloat16StepBytes / 1e6:F0} MB in bf16), so batch-1 decode can reach at most {floor.Float32TokensPerSecond:F1} tok/s in fp32 and {floor.BFloat16TokensPerSecond:F1} in bf16.");
        if (run.Rows.FirstOrDefault(row => row.Batch == 1) is { } single)
        {
            text.AppendLine(invariant,
                $"Batch-1 decode as a share of the floor: fp32 {single.EngineDecode / floor.Float32TokensPerSecond:F2} (llama.cpp {single.ReferenceDecode / floor.Float32TokensPerSecond:F2}), bf16 {single.Bf16Decode / floor.BFloat16TokensPerSecond:F2}.");
        }
        if (run.Profiles.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Where a decoding step's time goes (medians of single steps after the prompt; linear = the step's matrix products alone, same matrices and shapes):");
            text.AppendLine();
            text.AppendLine("| weights, products | batch | step ms | linear ms | other ms | linear GB/s |");
            text.AppendLine("|---|---|---|---|---|---|");
            foreach (var (setup, profile) in run.Profiles)
            {
                var bytes = setup.StartsWith("bf16", StringComparison.Ordinal) ? floor.BFloat16StepBytes : floor.Float32StepBytes;
                text.AppendLine(invariant,
                    $"| {setup} | {profile.Rows} | {profile.StepSeconds * 1e3:F2} | {profile.LinearSeconds * 1e3:F2} | {profile.OtherSeconds * 1e3:F2} | {bytes / profile.LinearSeconds / 1e9:F1} |");
            }
        }
        if (load is { } memory)
        {
            text.AppendLine();
            text.AppendLine(invariant,
                $"Loading a {memory.DataBytes / 1e9:F2} GB fp32 checkpoint: resident memory {memory.BaselineBytes / 1e9:F2} GB before, peak {memory.PeakBytes / 1e9:F2} GB; peak − baseline = {(memory.PeakBytes - memory.BaselineBytes) / (double)memory.DataBytes:F2} × the file's tensor data.");
        }
        return text.ToString();
    }
}
