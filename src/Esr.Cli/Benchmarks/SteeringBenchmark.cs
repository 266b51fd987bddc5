using System.Diagnostics;
using System.Globalization;
using System.Text;
using Esr.Kernel;
using Esr.Kernel.Generation;
using Esr.Kernel.Hooks;
using Esr.Kernel.Interventions;
using Esr.Kernel.Models;
using Esr.Kernel.Saes;
using Esr.LlamaCpp;
using static TorchSharp.torch;

namespace Esr.Cli.Benchmarks;

/// <summary>
/// What SAE steering costs during generation: greedy tokens/s of the same batch unsteered, with one add-mode latent,
/// with a 26-latent ablation (the paper's off-topic-detector count), and with a readout of every latent at every token;
/// plus the cost per token of a full SAE encode on its own, and each intervention hook's own cost per decoding step
/// (timed in isolation, so it can be set against the step time even when a busy machine blurs the end-to-end ratios).
/// Random ~125M-parameter Llama, random SAE.
/// </summary>
public sealed class SteeringBenchmark(TextWriter log)
{
    /// <summary>Latents ablated, as in the paper's OTD ablation.</summary>
    public const int AblatedLatents = 26;

    /// <summary>One configuration's median generation speed.</summary>
    public sealed record Row(string Configuration, double TokensPerSecond, double RelativeToUnsteered);

    /// <summary>A finished run: the rows, the stand-alone full-encode cost and the hooks' own costs per decoding step.</summary>
    public sealed record Result(
        IReadOnlyList<Row> Rows, double FullEncodeMicrosecondsPerToken, int Batch, int PromptTokens, int NewTokens, int SaeWidth, int Block,
        double AddHookMicrosecondsPerStep, double AblateHookMicrosecondsPerStep);

    /// <summary>Runs every configuration <paramref name="repeats"/> times, interleaved, and reports medians.</summary>
    public Result Measure(string workDirectory, int batch, int promptTokens, int newTokens, int repeats, int threads, int saeWidth, TinySpec? model = null)
    {
        var spec = model ?? EngineBenchmark.SpeedModel;
        var checkpoint = Path.Combine(workDirectory, "steering-model");
        log.WriteLine($"writing a random {spec.Layers}-layer d={spec.HiddenSize} Llama to {checkpoint}");
        TinyCheckpoint.Write(checkpoint, spec, seed: 1);
        Workbench.SetThreads(threads);
        using var engine = CausalLanguageModel.Load(checkpoint);
        var block = spec.Layers / 2;
        var point = HookPoint.ResidPost(block);
        using var sae = RandomSae(spec.HiddenSize, saeWidth);
        var random = new Random(4);
        var prompts = Enumerable.Range(0, batch)
            .Select(_ => Enumerable.Range(0, promptTokens).Select(_ => random.Next(3, spec.VocabSize)).ToArray())
            .ToArray();
        var ablated = Enumerable.Range(0, saeWidth).OrderBy(_ => random.Next()).Take(Math.Min(AblatedLatents, saeWidth)).ToArray();

        using var add = InterventionHook.ForAllRows(sae, [new AddLatent(1, 4f)]);
        using var ablate = InterventionHook.ForAllRows(sae, [new AblateLatents(ablated)]);
        // A readout keeps what it reads, so each run gets a fresh one.
        (string Name, Func<IActivationHook?> Hook)[] configurations =
        [
            ("unsteered", () => null),
            ("add 1 latent", () => add),
            ($"ablate {ablated.Length} latents", () => ablate),
            ($"read all {saeWidth} latents", () => new LatentReadout(sae)),
        ];
        var generator = new BatchGenerator(engine);
        double Run(Func<IActivationHook?> create, int tokens)
        {
            var hook = create();
            try
            {
                return Time(generator, prompts, tokens, hook is null ? null : new ActivationHooks().Add(point, hook));
            }
            finally
            {
                (hook as LatentReadout)?.Dispose();
            }
        }
        foreach (var (_, hook) in configurations) Run(hook, 2); // warm-up, untimed
        var times = configurations.Select(_ => new List<double>()).ToArray();
        for (var repeat = 0; repeat < repeats; repeat++)
        {
            for (var i = 0; i < configurations.Length; i++) times[i].Add(Run(configurations[i].Hook, newTokens));
        }
        var speeds = times.Select(list => batch * newTokens / Statistics.Median(list)).ToArray();
        var rows = configurations.Select((configuration, i) => new Row(configuration.Name, speeds[i], speeds[i] / speeds[0])).ToList();
        foreach (var row in rows) log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{row.Configuration}: {row.TokensPerSecond:F1} tok/s ({row.RelativeToUnsteered:F3} × unsteered)"));

        var encodeCost = FullEncodeCost(sae, spec.HiddenSize, tokens: 256, repeats);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"full encode: {encodeCost:F1} µs per token"));
        var addCost = DecodeStepHookCost(add, point, batch, promptTokens, spec.HiddenSize);
        var ablateCost = DecodeStepHookCost(ablate, point, batch, promptTokens, spec.HiddenSize);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hook per decoding step: add {addCost:F1} µs, ablate {ablateCost:F1} µs"));
        return new Result(rows, encodeCost, batch, promptTokens, newTokens, saeWidth, block, addCost, ablateCost);
    }

    /// <summary>The median time of one hook call on a decoding step's activation [batch, 1, d], in microseconds.</summary>
    private static double DecodeStepHookCost(IActivationHook hook, HookPoint point, int batch, int startSlot, int width)
    {
        using var scope = NewDisposeScope();
        var activation = randn([batch, 1, width], generator: new TorchSharp.torch.Generator(7));
        var context = new HookContext(point, startSlot, ones([batch, 1], ScalarType.Bool), full([batch, 1], startSlot, ScalarType.Int64));
        var samples = new List<double>();
        for (var i = 0; i < 220; i++)
        {
            var clock = Stopwatch.StartNew();
            var result = hook.Apply(activation, context);
            var elapsed = clock.Elapsed.TotalSeconds * 1e6;
            if (!ReferenceEquals(result, activation)) result.Dispose();
            if (i >= 20) samples.Add(elapsed); // the first calls warm up
        }
        return Statistics.Median(samples);
    }

    private static SparseAutoencoder RandomSae(int dIn, int width)
    {
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator(5);
        return new SparseAutoencoder(
            randn([dIn, width], generator: generator) / MathF.Sqrt(dIn), randn([width], generator: generator) * 0.1f,
            randn([width, dIn], generator: generator) / MathF.Sqrt(dIn), zeros([dIn]), SaeArchitecture.Standard, source: "(random)");
    }

    private static double Time(BatchGenerator generator, int[][] prompts, int newTokens, ActivationHooks? hooks)
    {
        var requests = prompts.Select(prompt => new GenerationRequest(prompt, SamplingOptions.Greedy(newTokens), 0, new HashSet<int>())).ToArray();
        var clock = Stopwatch.StartNew();
        generator.Generate(requests, hooks);
        return clock.Elapsed.TotalSeconds;
    }

    private static double FullEncodeCost(SparseAutoencoder sae, int dIn, int tokens, int repeats)
    {
        using var scope = NewDisposeScope();
        var input = randn([tokens, dIn], generator: new TorchSharp.torch.Generator(6));
        sae.Encode(input).Dispose();
        var samples = new List<double>();
        for (var i = 0; i < Math.Max(3, repeats); i++)
        {
            var clock = Stopwatch.StartNew();
            sae.Encode(input).Dispose();
            samples.Add(clock.Elapsed.TotalSeconds * 1e6 / tokens);
        }
        return Statistics.Median(samples);
    }

    /// <summary>The markdown table of a run.</summary>
    public static string Markdown(Result result, string command)
    {
        var invariant = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(invariant, $"Made by `{command}` on {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores: batch {result.Batch}, "
            + $"{result.PromptTokens} prompt + {result.NewTokens} generated tokens, SAE width {result.SaeWidth} at blocks.{result.Block}.resid_post.");
        text.AppendLine();
        text.AppendLine("| configuration | generation tok/s | × unsteered |");
        text.AppendLine("|---|---|---|");
        foreach (var row in result.Rows) text.AppendLine(invariant, $"| {row.Configuration} | {row.TokensPerSecond:F1} | {row.RelativeToUnsteered:F3} |");
        text.AppendLine();
        text.AppendLine(invariant, $"A full SAE encode on its own: {result.FullEncodeMicrosecondsPerToken:F1} µs per token (256 tokens at once).");
        var step = 1e6 * result.Batch / result.Rows[0].TokensPerSecond;
        text.AppendLine(invariant, $"Hook calls on one decoding step's [{result.Batch}, 1, d] activation, timed alone (medians of 200): add "
            + $"{result.AddHookMicrosecondsPerStep:F1} µs, 26-latent ablation {result.AblateHookMicrosecondsPerStep:F1} µs, against an unsteered generation "
            + $"step of {step / 1000:F1} ms, prefill amortised ({100 * result.AddHookMicrosecondsPerStep / step:F2} % and {100 * result.AblateHookMicrosecondsPerStep / step:F2} %).");
        return text.ToString();
    }
}
