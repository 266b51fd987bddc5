using System.Globalization;
using System.Text;
using Esr.Kernel.Analysis;
using Esr.Kernel.Benchmarks;
using Esr.Kernel.Models;
using Esr.LlamaCpp;

namespace Esr.Cli.Benchmarks;

/// <summary>
/// <c>esr bench engine</c>'s side of the engine benchmark: the random checkpoints, llama.cpp as the reference (the
/// kernel does not reference it) and the markdown. The kernel's <see cref="EngineSpeed"/> and
/// <see cref="LoadMemory"/> do the measuring: prefill and decode speed against llama.cpp on the same random
/// ~125M-parameter Llama (fp32, greedy, same prompts) at several batch sizes, and the peak memory of loading a large checkpoint.
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

    /// <summary>
    /// Writes the speed model and its GGUF export into <paramref name="workDirectory"/> and runs the kernel's
    /// <see cref="EngineSpeed"/> on it against llama.cpp (fp32) on the same weights.
    /// </summary>
    public EngineSpeed.Result MeasureSpeed(string workDirectory, int[] batchSizes, int promptTokens, int newTokens, int repeats, int threads)
    {
        var checkpoint = Path.Combine(workDirectory, "speed-model");
        var gguf = Path.Combine(workDirectory, "speed-model.gguf");
        log.WriteLine($"writing a random {SpeedModel.Layers}-layer d={SpeedModel.HiddenSize} Llama to {checkpoint}");
        TinyCheckpoint.Write(checkpoint, SpeedModel, seed: 1);
        GgufExporter.Export(checkpoint, gguf);

        Workbench.SetThreads(threads);
        using var reference = LlamaCppModel.Load(gguf, new LlamaCppOptions { Threads = threads });
        return new EngineSpeed(log).Measure(checkpoint, batchSizes, promptTokens, newTokens, repeats, threads, (prompts, tokens) =>
        {
            var run = reference.RunBatched(prompts, tokens);
            return new GreedyRun(run.PrefillTokensPerSecond, run.DecodeTokensPerSecond, run.Tokens);
        });
    }

    /// <summary>The markdown tables of a run.</summary>
    public static string Markdown(EngineSpeed.Result run, LoadMemory? load, string command)
    {
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.AppendLine(invariant, $"Made by `{command}` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores ({LoadAverage.CpuModel()}), "
            + $"load average {run.Load}; native kernels: {NativeLinear.Description}.");
        text.AppendLine();
        text.AppendLine("| batch | engine prefill tok/s | llama.cpp prefill tok/s | ratio | engine decode tok/s | llama.cpp decode tok/s | ratio | rows with the same greedy tokens | bf16 prefill tok/s | bf16 decode tok/s | bf16 / fp32 decode | fp32 decode without weight prefetch tok/s | bf16 decode without weight prefetch tok/s |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var row in run.Rows)
        {
            text.AppendLine(invariant,
                $"| {row.Batch} | {row.EnginePrefill:F0} | {row.ReferencePrefill:F0} | {row.EnginePrefill / row.ReferencePrefill:F2} | {row.EngineDecode:F1} | {row.ReferenceDecode:F1} | {row.EngineDecode / row.ReferenceDecode:F2} | {row.SameRows} / {row.Batch} | {row.Bf16Prefill:F0} | {row.Bf16Decode:F1} | {row.Bf16Decode / row.EngineDecode:F2} | {row.UnprefetchedDecode:F1} | {row.Bf16UnprefetchedDecode:F1} |");
        }
        var floor = run.Floor;
        text.AppendLine();
        text.AppendLine(invariant,
            $"Memory floor: {floor.BytesPerSecond / 1e9:F1} GB/s read over {floor.BufferBytes >> 20} MiB; a decoding step streams {floor.Float32StepBytes / 1e6:F0} MB of fp32 weights "
            + $"({floor.BFloat16StepBytes / 1e6:F0} MB in bf16), so batch-1 decode can reach at most {floor.Float32TokensPerSecond:F1} tok/s in fp32 and {floor.BFloat16TokensPerSecond:F1} in bf16.");
        if (run.Rows.FirstOrDefault(row => row.Batch == 1) is { } single)
        {
            text.AppendLine(invariant,
                $"Batch-1 decode as a share of the floor: fp32 {single.EngineDecode / floor.Float32TokensPerSecond:F2} (without weight prefetch {single.UnprefetchedDecode / floor.Float32TokensPerSecond:F2}; llama.cpp {single.ReferenceDecode / floor.Float32TokensPerSecond:F2}), bf16 {single.Bf16Decode / floor.BFloat16TokensPerSecond:F2} (without weight prefetch {single.Bf16UnprefetchedDecode / floor.BFloat16TokensPerSecond:F2}).");
        }
        if (run.Beside.Count > 0)
        {
            var float32 = run.Beside.Select(repeat => repeat.Float32Decode * floor.Float32StepBytes / repeat.BytesPerSecond).ToArray();
            var bfloat16 = run.Beside.Select(repeat => repeat.BFloat16Decode * floor.BFloat16StepBytes / repeat.BytesPerSecond).ToArray();
            text.AppendLine(invariant,
                $"Against the floor read just before each batch-1 repetition ({run.Beside.Count}; it read {run.Beside.Min(repeat => repeat.BytesPerSecond) / 1e9:F1}-{run.Beside.Max(repeat => repeat.BytesPerSecond) / 1e9:F1} GB/s): "
                + $"fp32 decode {PairedTests.Median(float32):F2} of it (median; {float32.Min():F2}-{float32.Max():F2}), bf16 {PairedTests.Median(bfloat16):F2} ({bfloat16.Min():F2}-{bfloat16.Max():F2}).");
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
