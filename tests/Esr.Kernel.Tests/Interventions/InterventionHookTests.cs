using Esr.Kernel.Hooks;
using Esr.Kernel.Interventions;
using Esr.Kernel.Models;
using Esr.Kernel.Saes;
using Esr.Kernel.Tests.Models;
using Esr.Kernel.Tests.Saes;
using static TorchSharp.torch;

namespace Esr.Kernel.Tests.Interventions;

public class InterventionHookTests
{
    private const int Batch = 3, Tokens = 5, Width = 8, Latents = 24;

    private static Tensor Activation(int seed, long batch = Batch) => randn([batch, Tokens, Width], generator: new TorchSharp.torch.Generator((ulong)seed));

    private static HookContext Context(long batch = Batch, int startSlot = 0) => new(
        HookPoint.ResidPost(0), startSlot, ones(batch, Tokens, dtype: ScalarType.Bool),
        arange(Tokens, ScalarType.Int64).expand(batch, Tokens));

    /// <summary>ESR_SPEC §1.3 done literally: encode every latent, keep the error, clamp, then add, decode, add the error back.</summary>
    private static Tensor FullPath(SparseAutoencoder sae, Tensor h, IReadOnlyList<Intervention> interventions)
    {
        var f = sae.Encode(h).clone();
        var error = h - sae.Decode(f);
        var boost = zeros_like(f);
        foreach (var intervention in interventions)
        {
            switch (intervention)
            {
                case ClampLatent clamp: f[.., .., clamp.Latent] = tensor(clamp.Value); break;
                case AblateLatents ablate: foreach (var latent in ablate.Latents) f[.., .., latent] = tensor(0f); break;
                case AddLatent add: boost[.., .., add.Latent] += add.Value; break;
            }
        }
        return sae.Decode(f + boost) + error;
    }

    private static float MaxDifference(Tensor a, Tensor b) => (a.to_type(ScalarType.Float32) - b.to_type(ScalarType.Float32)).abs().max().item<float>();

    /// <summary>An SAE with tied, orthonormal encoder and decoder, so that removing a latent's share removes its activation.</summary>
    private static SparseAutoencoder TiedOrthonormal(int latents = 6)
    {
        var (q, _) = linalg.qr(randn([Width, Width], generator: new TorchSharp.torch.Generator(21)));
        var encoder = q[.., ..latents].contiguous();                   // orthonormal columns
        return new SparseAutoencoder(encoder, full(latents, 0.1f), encoder.t().contiguous(), zeros(Width), SaeArchitecture.Standard);
    }

    [Theory]
    [InlineData(SaeArchitecture.Standard)]
    [InlineData(SaeArchitecture.JumpRelu)]
    [InlineData(SaeArchitecture.TopK)]
    public void Adding_to_a_latent_equals_the_full_encode_edit_decode_path(SaeArchitecture architecture)
    {
        using var scope = NewDisposeScope();
        using var sae = RandomSae.Create(architecture);
        var h = Activation(1);
        Intervention[] interventions = [new AddLatent(4, 7.5f), new AddLatent(19, -3f), new AddLatent(4, 1f)];

        var steered = InterventionHook.ForAllRows(sae, interventions).Apply(h, Context());

        var difference = MaxDifference(FullPath(sae, h, interventions), steered);
        Assert.True(difference <= 1e-5f, $"differs by {difference}");
    }

    [Fact]
    public void Adding_to_a_latent_is_exactly_vector_steering_by_value_times_its_decoder_direction()
    {
        using var scope = NewDisposeScope();
        using var sae = RandomSae.Create(SaeArchitecture.JumpRelu);
        var h = Activation(2);
        var direction = sae.DecoderDirection(11).Select(x => x * 12.25f).ToArray();

        var steered = InterventionHook.ForAllRows(sae, [new AddLatent(11, 12.25f)]).Apply(h, Context());
        var vector = VectorSteering.ForAllRows(direction).Apply(h, Context());

        Assert.Equal(vector.data<float>().ToArray(), steered.data<float>().ToArray());
    }

    [Theory]
    [InlineData(SaeArchitecture.Standard)]
    [InlineData(SaeArchitecture.JumpRelu)]
    [InlineData(SaeArchitecture.TopK)]
    public void Clamping_keeps_the_reconstruction_error_as_the_full_path_does(SaeArchitecture architecture)
    {
        using var scope = NewDisposeScope();
        using var sae = RandomSae.Create(architecture);
        var h = Activation(3);
        Intervention[] interventions =
            [new ClampLatent(2, 9f), new AblateLatents([5, 6, 7]), new ClampLatent(2, 4f), new AddLatent(2, 1.5f), new AddLatent(13, 2f)];

        var steered = InterventionHook.ForAllRows(sae, interventions).Apply(h, Context());

        // Latent 2 ends at 4 + 1.5: the later clamp wins, and the boost lands on top of it.
        var difference = MaxDifference(FullPath(sae, h, interventions), steered);
        Assert.True(difference <= 1e-5f, $"differs by {difference}");
    }

    [Fact]
    public void A_clamp_moves_the_activation_along_the_decoder_direction_by_the_latents_change()
    {
        using var scope = NewDisposeScope();
        using var sae = RandomSae.Create(SaeArchitecture.Standard);
        var h = Activation(4);
        var before = sae.EncodeLatents(h, [9]);

        var steered = InterventionHook.ForAllRows(sae, [new ClampLatent(9, 3f)]).Apply(h, Context());

        // h' − h = (3 − f_9(h))·d_9: the SAE's error term is untouched.
        var expected = h + (3f - before) * tensor(sae.DecoderDirection(9));
        Assert.True(MaxDifference(expected, steered) <= 1e-5f);
    }

    [Fact]
    public void An_ablated_latent_re_encodes_to_about_zero()
    {
        using var scope = NewDisposeScope();
        using var sae = TiedOrthonormal();
        var h = Activation(5);
        Assert.True(sae.EncodeLatents(h, [1, 3]).max().item<float>() > 0.1f, "the test needs the latents active somewhere");

        var ablated = InterventionHook.ForAllRows(sae, [new AblateLatents([1, 3])]).Apply(h, Context());

        var after = sae.EncodeLatents(ablated, [1, 3]).abs().max().item<float>();
        Assert.True(after <= 1e-5f, $"ablated latents re-encode to {after}");
    }

    [Fact]
    public void Generated_only_interventions_leave_the_prompt_alone_and_edit_decoding_steps()
    {
        using var scope = NewDisposeScope();
        using var sae = RandomSae.Create(SaeArchitecture.Standard);
        var hook = InterventionHook.ForAllRows(sae, [new AddLatent(0, 5f)], InterventionPositions.GeneratedOnly);
        var h = Activation(6);

        Assert.Same(h, hook.Apply(h, Context(startSlot: 0)));
        Assert.True(MaxDifference(h, hook.Apply(h, Context(startSlot: 7))) > 1f);
    }

    [Fact]
    public void Per_row_interventions_change_each_row_as_if_it_ran_alone()
    {
        using var scope = NewDisposeScope();
        using var sae = RandomSae.Create(SaeArchitecture.JumpRelu);
        var h = Activation(7);
        IReadOnlyList<Intervention>?[] rows =
        [
            [new AddLatent(3, 6f)],
            null,
            [new AblateLatents([0, 1, 2]), new ClampLatent(8, 2f), new AddVector(Enumerable.Repeat(0.5f, Width).ToArray())],
        ];

        var batched = InterventionHook.PerRow(sae, rows).Apply(h, Context());

        for (var row = 0; row < Batch; row++)
        {
            var alone = rows[row] is { } list ? InterventionHook.ForAllRows(sae, list).Apply(h[row..(row + 1)], Context(1)) : h[row..(row + 1)];
            Assert.Equal(alone.data<float>().ToArray(), batched[row..(row + 1)].contiguous().data<float>().ToArray());
        }
    }

    [Theory]
    [InlineData(SaeArchitecture.JumpRelu)]
    [InlineData(SaeArchitecture.TopK)]
    public void A_rows_clamps_give_the_same_bits_whatever_latents_the_other_rows_clamp(SaeArchitecture architecture)
    {
        // Exp 10 batches rows of different random ablation sets; each row's edit must not depend on the others' sets.
        using var scope = NewDisposeScope();
        using var sae = RandomSae.Create(architecture, dIn: 112, dSae: 512, seed: 4);
        var h = randn([4, Tokens, 112], generator: new TorchSharp.torch.Generator(9));
        var context = Context(4);
        IReadOnlyList<Intervention> mine = [new AddLatent(7, 3f), new AblateLatents(Enumerable.Range(0, 26).Select(i => 2 * i).ToArray())];
        IReadOnlyList<Intervention> theirs = [new AblateLatents(Enumerable.Range(0, 26).Select(i => 2 * i + 1).ToArray())];
        IReadOnlyList<Intervention> more = [new ClampLatent(300, 5f), new AblateLatents(Enumerable.Range(100, 40).ToArray())];

        float[] Row(IReadOnlyList<Intervention>?[] rows, int row) => InterventionHook.PerRow(sae, rows).Apply(h, context)[row].data<float>().ToArray();

        Assert.Equal(Row([mine, null, null, null], 0), Row([mine, theirs, more, null], 0));
        Assert.Equal(Row([null, null, null, more], 3), Row([theirs, mine, null, more], 3));
    }

    [Fact]
    public void In_a_model_batch_per_row_steering_gives_each_row_the_logits_it_gets_alone()
    {
        using var scope = NewDisposeScope();
        using var loaded = RawCheckpoint.Loaded(maxPositions: 32);
        var model = loaded.Model;
        using var sae = RandomSae.Create(SaeArchitecture.Standard, dIn: RawCheckpoint.Hidden);
        sae.EnsureFits(model.Config.HiddenSize);
        int[][] prompts = [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]];
        IReadOnlyList<Intervention>?[] rows = [[new AddLatent(3, 4f)], [new AblateLatents([0, 5, 9])], [new ClampLatent(2, 3f), new AddLatent(2, 1f)]];
        var point = HookPoint.ResidPost(0);

        using var cache = new KvCache(model.Config, prompts.Length, 4, model.Dtype);
        var ids = tensor(prompts.SelectMany(p => p.Select(id => (long)id)).ToArray(), [prompts.Length, 4L]);
        var hooks = new ActivationHooks().Add(point, InterventionHook.PerRow(sae, rows));
        var batched = model.Forward(ids, null, cache, hooks);

        for (var row = 0; row < prompts.Length; row++)
        {
            var alone = model.Logits(prompts[row], new ActivationHooks().Add(point, InterventionHook.ForAllRows(sae, rows[row]!)));
            var plain = model.Logits(prompts[row]);
            for (var position = 0; position < 4; position++)
            {
                var got = batched[row, position].data<float>().ToArray();
                for (var i = 0; i < got.Length; i++) Assert.True(Math.Abs(got[i] - alone[position][i]) <= 1e-5f, $"row {row} position {position} logit {i}");
            }
            Assert.NotEqual(plain[^1], alone[^1]);
        }
    }

    [Fact]
    public void A_bfloat16_activation_is_edited_in_bfloat16_close_to_the_float32_result()
    {
        using var scope = NewDisposeScope();
        using var sae = RandomSae.Create(SaeArchitecture.JumpRelu);
        var h = Activation(8);
        using var hook = InterventionHook.ForAllRows(sae, [new AddLatent(1, 2f), new ClampLatent(4, 1f)]);

        var full = hook.Apply(h, Context());
        var half = hook.Apply(h.to_type(ScalarType.BFloat16), Context());

        Assert.Equal(ScalarType.BFloat16, half.dtype);
        // bfloat16 keeps 8 significant bits: about 0.4 % of values of a few units.
        var difference = MaxDifference(full, half);
        Assert.True(difference < 0.1f, $"bfloat16 differs by {difference}");
    }

    [Fact]
    public void A_latent_outside_the_SAE_is_refused_naming_the_row()
    {
        using var sae = RandomSae.Create(SaeArchitecture.Standard);
        var error = Assert.Throws<ArgumentException>(() => InterventionHook.PerRow(sae, [null, [new ClampLatent(Latents, 1f)]]));
        Assert.Contains("row 1", error.Message);
        Assert.Contains($"latent {Latents}", error.Message);
    }
}
