using Esr.Kernel.Generation;
using Esr.Kernel.Hooks;
using Esr.Kernel.Interventions;
using ChatMessage = Esr.Kernel.Text.ChatMessage;

namespace Esr.Kernel.Tests;

/// <summary>Generation through the facade on the committed toy-s-base, as a notebook user calls it.</summary>
public sealed class GenerationTests(ToyModelFixture toy) : IClassFixture<ToyModelFixture>
{
    private static readonly GenerateOptions Short = new() { MaxTokens = 24, Temperature = 0.6, Seed = 7 };

    private LoadedModel Model => toy.Model;

    [Fact]
    public void A_greedy_generation_is_the_engine_s_on_the_prompt_as_one_templated_user_turn()
    {
        var completion = Model.Generate(ToyModelFixture.Prompt, new GenerateOptions { MaxTokens = 20, Temperature = 0 });

        var rendered = Model.Template.Render([ChatMessage.User(ToyModelFixture.Prompt)], addGenerationPrompt: true);
        Assert.Equal(Model.Tokenizer.Encode(rendered), completion.PromptIds);
        var direct = new BatchGenerator(Model.Model).Generate([new GenerationRequest(completion.PromptIds, SamplingOptions.Greedy(20), 0, Model.StopTokenIds)])[0];
        Assert.Equal(direct.TokenIds, completion.TokenIds);
        Assert.Equal(Model.Tokenizer.Decode(direct.TokenIds), completion.Text);
        Assert.Equal(completion.Text, completion.ToString());
        Assert.Equal(Steering.None, completion.Steering);
        Assert.Equal(1.0, completion.Settings.RepetitionPenalty);
    }

    [Fact]
    public void Streamed_pieces_concatenate_to_the_completion_text()
    {
        var pieces = new List<string>();

        var completion = Model.Generate(ToyModelFixture.Prompt, Short, onText: pieces.Add);

        Assert.True(pieces.Count > 1, $"{pieces.Count} pieces");
        Assert.Equal(completion.Text, string.Concat(pieces));
    }

    [Fact]
    public void Cancelling_while_streaming_stops_the_generation()
    {
        using var cancel = new CancellationTokenSource();
        var pieces = 0;

        Assert.ThrowsAny<OperationCanceledException>(() => Model.Generate(ToyModelFixture.Prompt, Short with { MaxTokens = 200 }, onText: _ =>
        {
            pieces++;
            cancel.Cancel();
        }, cancel.Token));

        Assert.Equal(1, pieces);
    }

    [Fact]
    public void Compare_uses_one_seed_and_its_default_is_the_unsteered_generation()
    {
        var steering = Steering.Add(toy.Penguins, toy.StrongBoost);

        var both = Model.Compare(ToyModelFixture.Prompt, steering, Short);

        Assert.Equal(Model.Generate(ToyModelFixture.Prompt, Short).TokenIds, both.Default.TokenIds);
        Assert.Equal(Model.Generate(ToyModelFixture.Prompt, Short with { Steering = steering }).TokenIds, both.Steered.TokenIds);
        Assert.Equal(both.Default.Seed, both.Steered.Seed);
        Assert.NotEqual(both.Default.Text, both.Steered.Text);
        Assert.Equal(Steering.None, both.Default.Steering);
        Assert.Equal(steering, both.Steered.Steering);
        var frame = both.ToDataFrame();
        Assert.Equal(["default", "steered"], frame["condition"].Cast<string>());
        Assert.Equal(both.Steered.Text, frame["text"][1]);
    }

    [Fact]
    public void A_ladder_s_boost_0_is_the_unsteered_completion_and_each_other_boost_a_steered_one()
    {
        double[] boosts = [0, toy.StrongBoost];

        var ladder = Model.Ladder(ToyModelFixture.Prompt, toy.Penguins, boosts, Short);

        Assert.Equal(boosts, ladder.Rungs.Select(rung => rung.Boost));
        Assert.Equal(Model.Generate(ToyModelFixture.Prompt, Short).Text, ladder.Rungs[0].Completion.Text);
        Assert.Equal(Model.Generate(ToyModelFixture.Prompt, Short with { Steering = Steering.Add(toy.Penguins, toy.StrongBoost) }).Text,
            ladder.Rungs[1].Completion.Text);
        Assert.NotEqual(ladder.Rungs[0].Completion.Text, ladder.Rungs[1].Completion.Text);
        Assert.Equal(2, ladder.ToDataFrame().Rows.Count);
    }

    [Fact]
    public void A_steering_scope_steers_every_generation_until_disposed_and_removes_only_its_own()
    {
        var plain = Model.Generate(ToyModelFixture.Prompt, Short);
        var boost = Steering.Add(toy.Penguins, toy.StrongBoost);
        var steered = Model.Generate(ToyModelFixture.Prompt, Short with { Steering = boost });

        var outer = Model.Steer(boost);
        var inner = Model.Steer(Steering.Ablate(1, 2));
        outer.Dispose();
        using (inner)
        {
            var insideInner = Model.Generate(ToyModelFixture.Prompt, Short);
            Assert.Equal(Steering.Ablate(1, 2), insideInner.Steering);
        }
        using (Model.Steer(boost))
        {
            var scoped = Model.Generate(ToyModelFixture.Prompt, Short);
            Assert.Equal(steered.TokenIds, scoped.TokenIds);
            Assert.Equal(boost, scoped.Steering);
        }

        Assert.Equal(plain.TokenIds, Model.Generate(ToyModelFixture.Prompt, Short).TokenIds);
    }

    [Fact]
    public void Logits_with_steering_are_the_engine_s_logits_under_the_same_intervention_at_the_sae_s_point()
    {
        var ids = Model.PromptIds(ToyModelFixture.Prompt);
        var steering = Steering.Add(toy.Penguins, toy.StrongBoost) + Steering.Clamp(5, 1.5);

        var logits = Model.Logits(ids, steering);

        using var hook = InterventionHook.ForAllRows(Model.Sae!.Sae, steering.Interventions);
        Assert.Equal(Model.Model.Logits(ids, new ActivationHooks().Add(Model.Sae.SteeringPoint, hook)), logits);
        Assert.NotEqual(Model.Model.Logits(ids)[^1], logits[^1]);
    }

    [Fact]
    public void A_plain_vector_steers_the_block_it_names()
    {
        var ids = Model.PromptIds(ToyModelFixture.Prompt);
        var vector = Enumerable.Range(0, Model.Model.Config.HiddenSize).Select(i => i % 3 == 0 ? 0.5f : -0.25f).ToArray();

        var logits = Model.Logits(ids, Steering.Vector(1, vector));

        using var hook = VectorSteering.ForAllRows(vector);
        Assert.Equal(Model.Model.Logits(ids, new ActivationHooks().Add(HookPoint.ResidPost(1), hook)), logits);
    }

    [Fact]
    public void Inputs_the_model_cannot_take_are_one_line_input_errors_naming_them()
    {
        string Error(Action call) => Assert.Throws<EsrInputException>(call).Message;

        Assert.Contains($"exceed {ToyModelFixture.Name}'s context of {Model.ContextLength} positions",
            Error(() => Model.Generate(ToyModelFixture.Prompt, Short with { MaxTokens = Model.ContextLength })));
        Assert.Contains($"latent {Model.Sae!.Width} is outside the SAE {ToyModelFixture.Name} SAE (latents 0 to {Model.Sae.Width - 1})",
            Error(() => Model.Generate(ToyModelFixture.Prompt, Short with { Steering = Steering.Add(Model.Sae.Width, 1) })));
        Assert.Contains("GenerateOptions.TopP is 0", Error(() => Model.Generate(ToyModelFixture.Prompt, Short with { TopP = 0 })));
        Assert.Contains("GenerateOptions.MaxTokens is -1", Error(() => Model.Generate(ToyModelFixture.Prompt, Short with { MaxTokens = -1 })));
        Assert.Contains("has 3 values but toy-s-base has d_model", Error(() => Model.Logits([1, 2], Steering.Vector(0, [1f, 2f, 3f]))));
        Assert.Contains("steering vector at block 9: toy-s-base has blocks 0 to",
            Error(() => Model.Steer(Steering.Vector(9, new float[Model.Model.Config.HiddenSize]))));
        Assert.Contains($"token id {Model.Model.Config.VocabularySize} is outside", Error(() => Model.Logits([1, Model.Model.Config.VocabularySize])));
        Assert.Contains("no token ids given", Error(() => Model.Logits([])));
        Assert.All(new[] { Error(() => Model.Generate(ToyModelFixture.Prompt, Short with { Temperature = double.NaN })) },
            message => Assert.DoesNotContain('\n', message));
    }
}
