using System.Diagnostics;
using System.Globalization;
using System.Text;
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

    /// <summary>One measured configuration.</summary>
    public sealed record Row(int Batch, double EnginePrefill, double EngineDecode, double ReferencePrefill, double ReferenceDecode, bool SameTokens);

    /// <summary>Runs the speed comparison in <paramref name="workDirectory"/>.</summary>
    public IReadOnlyList<Row> MeasureSpeed(string workDirectory, int[] batchSizes, int promptTokens, int newTokens, int repeats, int threads)
    {
        var checkpoint = Path.Combine(workDirectory, "speed-model");
        var gguf = Path.Combine(workDirectory, "speed-model.gguf");
        log.WriteLine($"writing a random {SpeedModel.Layers}-layer d={SpeedModel.HiddenSize} Llama to {checkpoint}");
        TinyCheckpoint.Write(checkpoint, SpeedModel, seed: 1);
        GgufExporter.Export(checkpoint, gguf);

        set_num_threads(threads);
        using var engine = CausalLanguageModel.Load(checkpoint);
        using var reference = LlamaCppModel.Load(gguf, new LlamaCppOptions { Threads = threads });
        var generator = new BatchGenerator(engine);
        var random = new Random(3);
        // One untimed run each, so that JIT compilation and first-touch allocation stay out of the numbers.
        int[] warmUp = Enumerable.Range(3, promptTokens).ToArray();
        TimeEngine(generator, [warmUp], 2);
        reference.RunBatched([warmUp], 2);
        var rows = new List<Row>();
        foreach (var batch in batchSizes)
        {
            var prompts = Enumerable.Range(0, batch)
                .Select(_ => Enumerable.Range(0, promptTokens).Select(_ => random.Next(3, SpeedModel.VocabSize)).ToArray())
                .ToArray();
            var ours = Enumerable.Range(0, repeats).Select(_ => TimeEngine(generator, prompts, newTokens)).ToList();
            var theirs = Enumerable.Range(0, repeats).Select(_ => reference.RunBatched(prompts, newTokens)).ToList();
            var same = ours[0].Tokens.Zip(theirs[0].Tokens).All(pair => pair.First.SequenceEqual(pair.Second));
            var row = new Row(batch,
                Statistics.Median(ours.Select(run => run.Prefill)), Statistics.Median(ours.Select(run => run.Decode)),
                Statistics.Median(theirs.Select(run => run.PrefillTokensPerSecond)), Statistics.Median(theirs.Select(run => run.DecodeTokensPerSecond)),
                same);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"batch {batch}: engine prefill {row.EnginePrefill:F0} tok/s, decode {row.EngineDecode:F1} tok/s; llama.cpp {row.ReferencePrefill:F0} / {row.ReferenceDecode:F1}; same greedy tokens: {same}"));
            rows.Add(row);
        }
        return rows;
    }

    private static (double Prefill, double Decode, int[][] Tokens) TimeEngine(BatchGenerator generator, int[][] prompts, int newTokens)
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

    /// <summary>The markdown table of a run.</summary>
    public static string Markdown(IReadOnlyList<Row> rows, (long BaselineBytes, long PeakBytes, long DataBytes)? load, string command)
    {
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.AppendLine(invariant, $"Made by `{command}` on {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores.");
        text.AppendLine();
        text.AppendLine("| batch | engine prefill tok/s | llama.cpp prefill tok/s | ratio | engine decode tok/s | llama.cpp decode tok/s | ratio | same greedy tokens |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            text.AppendLine(invariant,
                $"| {row.Batch} | {row.EnginePrefill:F0} | {row.ReferencePrefill:F0} | {row.EnginePrefill / row.ReferencePrefill:F2} | {row.EngineDecode:F1} | {row.ReferenceDecode:F1} | {row.EngineDecode / row.ReferenceDecode:F2} | {(row.SameTokens ? "yes" : "no")} |");
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
