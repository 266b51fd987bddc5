using System.Diagnostics;
using System.Globalization;
using Esr.Kernel.Analysis;
using Esr.Kernel.Generation;
using Esr.Kernel.Hooks;
using Esr.Kernel.Interventions;
using Esr.Kernel.Models;
using Esr.Kernel.Saes;
using static TorchSharp.torch;

namespace Esr.Kernel.Benchmarks;

/// <summary>
/// What SAE steering costs during generation: greedy tokens/s of the same batch unsteered, with one add-mode latent,
/// with a 26-latent ablation (the paper's off-topic-detector count), and with a readout of every latent at every token;
/// plus the cost per token of a full SAE encode on its own, and each intervention hook's own cost per decoding step
/// (timed in isolation, so it can be set against the step time even when a busy machine blurs the end-to-end ratios).
/// A random SAE at the middle block's residual stream. libtorch's thread count is the caller's (<c>Workbench.SetThreads</c>).
/// </summary>
public sealed class SteeringCost(TextWriter log)
{
    /// <summary>Latents ablated, as in the paper's OTD ablation.</summary>
    public const int AblatedLatents = 26;

    /// <summary>Tokens the stand-alone full encode runs on at once.</summary>
    public const int EncodeTokens = 256;

    /// <summary>Timed hook calls per decoding-step measurement, after the warm-up calls.</summary>
    public const int HookCalls = 200;

    private const int HookWarmUpCalls = 20;

    /// <summary>One configuration's median generation speed.</summary>
    public sealed record Row(string Configuration, double TokensPerSecond, double RelativeToUnsteered);

    /// <summary>A finished run: the rows (unsteered first), the stand-alone full-encode cost and the hooks' own costs per decoding step.</summary>
    public sealed record Result(
        IReadOnlyList<Row> Rows, double FullEncodeMicrosecondsPerToken, int Batch, int PromptTokens, int NewTokens, int SaeWidth, int Block,
        double AddHookMicrosecondsPerStep, double AblateHookMicrosecondsPerStep);

    /// <summary>Runs every configuration on the Llama at <paramref name="checkpoint"/> <paramref name="repeats"/> times, interleaved, and reports medians.</summary>
    public Result Measure(string checkpoint, int batch, int promptTokens, int newTokens, int repeats, int saeWidth)
    {
        using var engine = CausalLanguageModel.Load(checkpoint);
        var config = engine.Config;
        var block = config.LayerCount / 2;
        var point = HookPoint.ResidPost(block);
        using var sae = RandomSae(config.HiddenSize, saeWidth);
        var random = new Random(4);
        var prompts = Enumerable.Range(0, batch)
            .Select(_ => Enumerable.Range(0, promptTokens).Select(_ => random.Next(3, config.VocabularySize)).ToArray())
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
        var speeds = times.Select(list => batch * newTokens / PairedTests.Median(list)).ToArray();
        var rows = configurations.Select((configuration, i) => new Row(configuration.Name, speeds[i], speeds[i] / speeds[0])).ToList();
        foreach (var row in rows) log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{row.Configuration}: {row.TokensPerSecond:F1} tok/s ({row.RelativeToUnsteered:F3} × unsteered)"));

        var encodeCost = FullEncodeCost(sae, config.HiddenSize, repeats);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"full encode: {encodeCost:F1} µs per token"));
        var addCost = DecodeStepHookCost(add, point, batch, promptTokens, config.HiddenSize);
        var ablateCost = DecodeStepHookCost(ablate, point, batch, promptTokens, config.HiddenSize);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hook per decoding step: add {addCost:F1} µs, ablate {ablateCost:F1} µs"));
        return new Result(rows, encodeCost, batch, promptTokens, newTokens, saeWidth, block, addCost, ablateCost);
    }

    /// <summary>The median time of one hook call on a decoding step's activation [batch, 1, d], in microseconds.</summary>
    private static double DecodeStepHookCost(IActivationHook hook, HookPoint point, int batch, int startSlot, int width)
    {
        using var scope = NewDisposeScope();
        var activation = randn([batch, 1, width], generator: new Generator(7));
        var context = new HookContext(point, startSlot, ones([batch, 1], ScalarType.Bool), full([batch, 1], startSlot, ScalarType.Int64));
        var samples = new List<double>();
        for (var i = 0; i < HookWarmUpCalls + HookCalls; i++)
        {
            var clock = Stopwatch.StartNew();
            var result = hook.Apply(activation, context);
            var elapsed = clock.Elapsed.TotalSeconds * 1e6;
            if (!ReferenceEquals(result, activation)) result.Dispose();
            if (i >= HookWarmUpCalls) samples.Add(elapsed);
        }
        return PairedTests.Median(samples);
    }

    private static SparseAutoencoder RandomSae(int dIn, int width)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(5);
        return new SparseAutoencoder(
            randn([dIn, width], generator: generator) / MathF.Sqrt(dIn), randn([width], generator: generator) * 0.1f,
            randn([width, dIn], generator: generator) / MathF.Sqrt(dIn), zeros([dIn]), SaeArchitecture.Standard, source: "(random)");
    }

    private static double Time(BatchGenerator generator, int[][] prompts, int newTokens, ActivationHooks? hooks)
    {
        var requests = GreedyRun.Requests(prompts, newTokens);
        var clock = Stopwatch.StartNew();
        generator.Generate(requests, hooks);
        return clock.Elapsed.TotalSeconds;
    }

    private static double FullEncodeCost(SparseAutoencoder sae, int dIn, int repeats)
    {
        using var scope = NewDisposeScope();
        var input = randn([EncodeTokens, dIn], generator: new Generator(6));
        sae.Encode(input).Dispose();
        var samples = new List<double>();
        for (var i = 0; i < Math.Max(3, repeats); i++)
        {
            var clock = Stopwatch.StartNew();
            sae.Encode(input).Dispose();
            samples.Add(clock.Elapsed.TotalSeconds * 1e6 / EncodeTokens);
        }
        return PairedTests.Median(samples);
    }
}
