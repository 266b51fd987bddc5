using Esr.Kernel.Hooks;
using Esr.Kernel.Interventions;
using static TorchSharp.torch;

namespace Esr.Kernel.Tests;

/// <summary>Latent readouts and activation caches through the facade, on the committed toy-s-base and its SAE.</summary>
public sealed class ReadLatentsTests(ToyModelFixture toy) : IClassFixture<ToyModelFixture>
{
    private const string Text = "Tell me about penguins.";

    private LoadedModel Model => toy.Model;

    [Fact]
    public void Reading_a_text_lists_each_token_s_strongest_latents_as_the_sae_encodes_its_recorded_stream()
    {
        var trace = Model.ReadLatents(Text, top: 3);

        var ids = Model.Tokenizer.Encode(Text, addSpecialTokens: true);
        var recorder = new ActivationRecorder();
        Model.Model.Logits(ids, new ActivationHooks().Add(Model.Sae!.Point, recorder));
        using var scope = NewDisposeScope();
        var expected = Model.Sae.Sae.TopLatents(tensor(recorder.Rows[0].SelectMany(row => row).ToArray(), [ids.Length, Model.Model.Config.HiddenSize]), 3);
        var actual = trace.Top(3);
        Assert.Equal(ids.Length, actual.Count);
        for (var token = 0; token < ids.Length; token++)
        {
            Assert.Equal(expected[token].Select(a => a.Latent), actual[token].Select(a => a.Latent));
            Assert.Equal(expected[token].Select(a => a.Value), actual[token].Select(a => a.Value));
        }
        Assert.Equal(Model.TokenTexts(ids), trace.TokenTexts);
        Assert.Equal("<|begin_of_text|>", trace.TokenTexts![0]);
        Assert.Contains(actual.SelectMany(top => top), a => trace.Label(a.Latent) == "subject:penguins");
    }

    [Fact]
    public void Chosen_latents_are_read_at_every_token_and_the_frames_carry_texts_and_labels()
    {
        var ids = Model.ConversationIds(Text, "Penguins are birds that cannot fly.");
        int[] chosen = [toy.Penguins, 0, 5];

        var trace = Model.ReadLatents(ids, latents: chosen);

        var reference = LatentReadout.Read(Model.Model, Model.Sae!.Point, Model.Sae.Sae, ids, chosen);
        Assert.Equal(chosen, trace.Latents);
        Assert.Equal(reference.Tokens, trace.Tokens);
        Assert.True(trace.Of(toy.Penguins).Max() > 0);
        var frame = trace.ToDataFrame();
        Assert.Equal(["token", "token_text", "latent", "activation"], frame.Columns.Select(column => column.Name));
        Assert.Equal(ids.Length * chosen.Length, frame.Rows.Count);
        var top = trace.TopDataFrame(1);
        Assert.Equal(["token", "token_text", "rank", "latent", "label", "activation"], top.Columns.Select(column => column.Name));
        Assert.Contains(trace.Label(toy.Penguins), top["label"].Cast<string>());
        Assert.StartsWith("subject:", trace.Label(toy.Penguins), StringComparison.Ordinal);
    }

    [Fact]
    public void A_readout_under_steering_reads_the_steered_stream()
    {
        var ids = Model.PromptIds(ToyModelFixture.Prompt);
        var steering = Steering.Add(toy.Penguins, toy.StrongBoost);

        var plain = Model.ReadLatents(ids, latents: [toy.Penguins]);
        var steered = Model.ReadLatents(ids, latents: [toy.Penguins], steering: steering);

        Assert.True(steered.Of(toy.Penguins).Min() > plain.Of(toy.Penguins).Max(), "the boosted latent is stronger at every token");
    }

    [Fact]
    public void Run_with_cache_reads_each_point_as_a_single_hook_run_does()
    {
        var ids = Model.PromptIds(Text);
        HookPoint[] points = [HookPoint.ResidPre(0), HookPoint.MlpOutput(0), HookPoint.ResidPost(1)];

        var cache = Model.RunWithCache(ids, points);

        foreach (var point in points)
        {
            var recorder = new ActivationRecorder();
            Model.Model.Logits(ids, new ActivationHooks().Add(point, recorder));
            Assert.Equal(recorder.Rows[0], cache[point]);
        }
        Assert.Contains("beyond toy-s-base's blocks 0 to 1",
            Assert.Throws<EsrInputException>(() => Model.RunWithCache(ids, [HookPoint.ResidPost(2)])).Message);
    }

    [Fact]
    public void Reading_latents_outside_the_sae_or_with_no_top_is_an_input_error()
    {
        Assert.Contains($"latent {Model.Sae!.Width} is outside the SAE",
            Assert.Throws<EsrInputException>(() => Model.ReadLatents([1, 2], latents: [Model.Sae.Width])).Message);
        Assert.Contains("top is 0", Assert.Throws<EsrInputException>(() => Model.ReadLatents(Text, top: 0)).Message);
    }
}
