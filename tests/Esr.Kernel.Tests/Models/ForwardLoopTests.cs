using Esr.Kernel.Generation;
using Esr.Kernel.Hooks;
using Esr.Kernel.Interventions;
using Esr.Kernel.Models;
using Esr.Kernel.Saes;
using Esr.LlamaCpp;
using Esr.Kernel.Tests.Saes;
using static TorchSharp.torch;

namespace Esr.Kernel.Tests.Models;

/// <summary>The one forward loop: hooks that cost nothing when absent, runs that stop at the deepest hook, run-with-cache.</summary>
public sealed class ForwardLoopTests : IDisposable
{
    private static readonly int[] Prompt = [1, 17, 42, 5, 99, 3, 250, 8];
    private static readonly string[] Sites = [HookPoint.ResidualPre, HookPoint.AttentionOut, HookPoint.MlpOut, HookPoint.ResidualPost];
    private readonly string _root = Directory.CreateTempSubdirectory("esr-forward-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string> Families => new() { "llama", "gemma2" };

    private CausalLanguageModel Load(string family)
    {
        var spec = family == "gemma2" ? TinySpec.Gemma2SlidingWindow with { Layers = 3 } : TinySpec.LlamaGqaUntied with { Layers = 3 };
        var directory = Path.Combine(_root, family);
        TinyCheckpoint.Write(directory, spec, seed: 41);
        return CausalLanguageModel.Load(directory);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Hooks_that_only_read_leave_the_logits_bit_for_bit_as_without_hooks(string family)
    {
        using var scope = NewDisposeScope();
        using var model = Load(family);
        var hooks = new ActivationHooks();
        for (var block = 0; block < model.Config.LayerCount; block++)
            foreach (var site in Sites) hooks.Add(new HookPoint(block, site), new ActivationRecorder());

        var plain = model.Logits(Prompt);
        var hooked = model.Logits(Prompt, hooks);

        Assert.Equal(plain.Length, hooked.Length);
        for (var position = 0; position < plain.Length; position++) Assert.Equal(plain[position], hooked[position]);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void A_run_with_cache_reads_each_point_as_a_full_forward_with_that_single_hook_does(string family)
    {
        using var scope = NewDisposeScope();
        using var model = Load(family);
        HookPoint[] points = [HookPoint.ResidPre(0), HookPoint.MlpOutput(1), HookPoint.ResidPost(1), HookPoint.AttnOut(2)];

        var cache = model.RunWithCache(Prompt, points);

        foreach (var point in points)
        {
            var alone = new ActivationRecorder();
            model.Logits(Prompt, new ActivationHooks().Add(point, alone));
            Assert.Equal(alone.Rows[0], cache[point]);
        }
        Assert.Equal(cache[HookPoint.ResidPost(1)], cache["blocks.1.resid_post"]);
        Assert.Equal(cache[HookPoint.ResidPost(1)], cache[HookPoint.ResidualPost, 1]);
        Assert.Contains("blocks.0.resid_pre", Assert.Throws<KeyNotFoundException>(() => cache[HookPoint.ResidPost(2)]).Message);
    }

    [Fact]
    public void A_resid_pre_hook_of_block_0_is_read_without_running_any_block()
    {
        using var scope = NewDisposeScope();
        using var model = Load("llama");

        var cache = model.RunWithCache(Prompt, [HookPoint.ResidPre(0)]);

        // The embedding rows of the prompt, untouched by any block.
        var recorder = new ActivationRecorder();
        model.Logits(Prompt, new ActivationHooks().Add(HookPoint.ResidPre(0), recorder));
        Assert.Equal(recorder.Rows[0], cache[HookPoint.ResidPre(0)]);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void The_readout_that_stops_at_its_block_equals_the_readout_of_a_full_forward_bit_for_bit(string family)
    {
        using var scope = NewDisposeScope();
        using var model = Load(family);
        using var sae = RandomSae.Create(SaeArchitecture.JumpRelu, dIn: model.Config.HiddenSize, dSae: 40, seed: 3);
        var point = HookPoint.ResidPost(1);
        IReadOnlyList<Intervention> steering = [new AddLatent(4, 2.5f), new ClampLatent(9, 1f)];

        var stopped = LatentReadout.Read(model, point, sae, Prompt, interventions: steering, steeringPoint: HookPoint.ResidPost(0));

        using var readout = new LatentReadout(sae);
        using var hook = InterventionHook.ForAllRows(sae, steering);
        model.Logits(Prompt, new ActivationHooks().Add(HookPoint.ResidPost(0), hook).Add(point, readout));
        var full = readout.Traces[0];
        Assert.Equal(full.Latents, stopped.Latents);
        Assert.Equal(full.Tokens, stopped.Tokens);
    }

    [Fact]
    public void A_hook_beyond_the_last_block_is_refused()
    {
        using var scope = NewDisposeScope();
        using var model = Load("llama");
        var error = Assert.Throws<ArgumentException>(() => model.RunUntilLastHook(Prompt, new ActivationHooks().Add(HookPoint.ResidPost(3), new ActivationRecorder())));
        Assert.Contains("blocks 0 to 2", error.Message);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Steered_generation_gives_the_tokens_of_deltas_rebuilt_at_every_step(string family)
    {
        using var scope = NewDisposeScope();
        using var model = Load(family);
        var width = model.Config.HiddenSize;
        var random = new Random(5);
        float[] Vector() => Enumerable.Range(0, width).Select(_ => (float)(random.NextDouble() * 6 - 3)).ToArray();
        IReadOnlyList<float>?[] rows = [Vector(), null, Vector()];
        var requests = rows.Select((_, row) => new GenerationRequest(Prompt[..(4 + row)], SamplingOptions.Greedy(12), row, new HashSet<int>())).ToArray();

        using var steering = VectorSteering.PerRow(rows);
        var cached = new BatchGenerator(model).Generate(requests, new ActivationHooks().Add(HookPoint.ResidPost(1), steering));
        var rebuilt = new BatchGenerator(model).Generate(requests, new ActivationHooks().Add(HookPoint.ResidPost(1), new RebuiltEveryStep(rows, width)));

        Assert.Equal(rebuilt.Select(result => result.TokenIds), cached.Select(result => result.TokenIds));
        Assert.NotEqual(rebuilt[0].TokenIds, new BatchGenerator(model).Generate(requests)[0].TokenIds);
    }

    /// <summary>Per-row steering as it was done before the deltas were kept on the device: made from the arrays at every step.</summary>
    private sealed class RebuiltEveryStep(IReadOnlyList<IReadOnlyList<float>?> rows, int width) : IActivationHook
    {
        public Tensor Apply(Tensor activation, HookContext context)
        {
            using var scope = NewDisposeScope();
            var deltas = new float[rows.Count * width];
            var steered = new bool[rows.Count];
            for (var row = 0; row < rows.Count; row++)
            {
                if (rows[row] is not { } vector) continue;
                vector.ToArray().CopyTo(deltas, row * width);
                steered[row] = true;
            }
            var delta = tensor(deltas, [rows.Count, 1L, width]).to(activation.dtype, activation.device);
            var mask = tensor(steered, [rows.Count, 1L, 1L]);
            return where(mask, activation.add(delta), activation).MoveToOuterDisposeScope();
        }
    }
}
