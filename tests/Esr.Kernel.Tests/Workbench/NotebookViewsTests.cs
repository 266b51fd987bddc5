using Esr.Kernel.Judging;
using Esr.Kernel.Toy;

namespace Esr.Kernel.Tests;

/// <summary>
/// The facade's values that front ends present: model cards, heatmaps, verdicts and judged comparisons and ladders,
/// on the committed toy-s-base.
/// </summary>
public sealed class NotebookViewsTests(ToyModelFixture toy) : IClassFixture<ToyModelFixture>
{
    private static readonly GenerateOptions Short = new() { MaxTokens = 30, Temperature = 0.5, Seed = 5 };

    private LoadedModel Model => toy.Model;

    [Fact]
    public void The_model_card_counts_the_zoo_s_parameters_and_describes_the_blocks_and_the_sae()
    {
        var card = ModelCard.Of(Model);

        var config = Model.Model.Config;
        Assert.Equal(Model.Reference.Toy!.Parameters, card.Parameters);
        Assert.Equal((ModelReferenceKind.Toy, "Llama", config.LayerCount, config.HiddenSize, "float32", "cpu"),
            (card.Kind, card.Architecture, card.Blocks, card.DModel, card.Dtype, card.Device));
        Assert.Equal(new SaeCard(Model.Sae!.Name, Model.Sae.Width, "blocks.0.resid_post", "blocks.0.resid_post",
            Enumerable.Range(0, Model.Sae.Width).Count(latent => Model.Sae.Labels!.HasLabel(latent))), card.Sae);
        Assert.True(card.Sae!.LabelCount > 0);
        Assert.Equal(LoadedModel.ToyJudgeName, card.DefaultJudge);
        Assert.Contains($"SAE {Model.Sae.Name}: {Model.Sae.Width} latents at blocks.0.resid_post", card.ToString());
    }

    [Fact]
    public void A_heatmap_is_coloured_by_the_latent_with_the_largest_activation_over_the_texts_own_tokens()
    {
        var heatmap = LatentHeatmap.Read(Model, "Tell me about penguins.", top: 3);

        Assert.Equal(new HashSet<int> { 0 }, heatmap.Trace.SpecialPositions); // the BOS the tokenizer adds
        var pooled = heatmap.Trace.MaxPool(skipSpecialTokens: true);
        Assert.Equal([heatmap.Trace.Latents[Array.IndexOf(pooled, pooled.Max())]], heatmap.Colored);
        var colored = heatmap.Trace.Of(heatmap.Colored[0]);
        Assert.NotEqual(0, Array.IndexOf(colored, colored.Max()));
        Assert.Equal(Model.ReadLatents("Tell me about penguins.", top: 3).Tokens, heatmap.Trace.Tokens);
        Assert.Equal(heatmap.Trace.TokenTexts, heatmap.Tokens);
    }

    [Fact]
    public void Chosen_latents_outside_every_token_s_top_are_read_too_and_leave_each_token_s_top_unchanged()
    {
        const string text = "Tell me about penguins.";
        var plain = Model.ReadLatents(text, top: 2);
        var quiet = Enumerable.Range(0, Model.Sae!.Width).First(latent => !plain.Latents.Contains(latent));

        var heatmap = LatentHeatmap.Read(Model, text, top: 2, latents: [quiet]);

        Assert.Equal([quiet], heatmap.Colored);
        Assert.Contains(quiet, heatmap.Trace.Latents);
        Assert.Equal(plain.Top(2).Select(top => top.Select(a => a.Latent)), heatmap.Trace.Top(2).Select(top => top.Select(a => a.Latent)));
        Assert.Equal(Model.ReadLatents(Model.Tokenizer.Encode(text, addSpecialTokens: true), latents: [quiet]).Of(quiet), heatmap.Trace.Of(quiet));
    }

    [Fact]
    public void A_latent_outside_the_sae_is_refused_by_name()
    {
        var error = Assert.Throws<EsrInputException>(() => LatentHeatmap.Read(Model, "Tell me about penguins.", latents: [Model.Sae!.Width]));

        Assert.Contains($"latent {Model.Sae!.Width} is outside the SAE", error.Message);
    }

    [Fact]
    public void The_judge_is_told_the_boosted_latent_s_label_else_the_clamped_one_s_else_none()
    {
        var sae = Model.Sae!;

        Assert.Equal(sae.Label(7), Judgements.FeatureLabel(Steering.Ablate(3) + Steering.Clamp(5, 1) + Steering.Add(7, 2), sae));
        Assert.Equal(sae.Label(5), Judgements.FeatureLabel(Steering.Ablate(3) + Steering.Clamp(5, 1), sae));
        Assert.Equal("none", Judgements.FeatureLabel(Steering.Ablate(3), sae));
        Assert.Equal("feature_7", Judgements.FeatureLabel(Steering.Add(7, 2), null));
    }

    [Fact]
    public async Task A_comparison_is_judged_on_both_sides_against_the_steered_latent_s_label()
    {
        var comparison = Model.Compare(ToyModelFixture.Prompt, Steering.Add(toy.Penguins, toy.StrongBoost), Short);
        var judge = new ToyJudge();

        var judged = await judge.JudgeAsync(comparison, Model.Sae);

        var label = Model.Sae!.Label(toy.Penguins);
        Assert.Equal(new JudgeRequest(ToyModelFixture.Prompt, comparison.Default.Text, label), judged.Default!.Request);
        Assert.Equal(new JudgeRequest(ToyModelFixture.Prompt, comparison.Steered.Text, label), judged.Steered!.Request);
        Assert.Equal((await judge.JudgeAsync(judged.Steered.Request)).Attempts, judged.Steered.Attempts);
        Assert.Equal("toy-exact", judged.Steered.Judge);
        Assert.Equal(new JudgedComparison(comparison, null, null), await ((IJudge?)null).JudgeAsync(comparison, Model.Sae));
    }

    [Fact]
    public async Task Every_rung_of_a_ladder_is_judged_against_the_ladder_latent_s_label_even_at_boost_zero()
    {
        var ladder = Model.Ladder(ToyModelFixture.Prompt, toy.Penguins, [0, toy.StrongBoost], Short);

        var judged = await new ToyJudge().JudgeAsync(ladder, Model.Sae);

        Assert.Equal(2, judged.Verdicts!.Count);
        Assert.All(judged.Verdicts, verdict => Assert.Equal(Model.Sae!.Label(toy.Penguins), verdict.Request.FeatureLabel));
        Assert.Equal(ladder.Rungs.Select(rung => rung.Completion.Text), judged.Verdicts.Select(verdict => verdict.Request.Response));
        Assert.Null(new JudgedLadder(ladder, null).VerdictAt(1));
        Assert.Contains(" [scores ", judged.ToString());
    }

    [Fact]
    public void A_verdict_lists_its_attempts_with_scores_as_a_frame_and_as_text()
    {
        var verdict = new Verdict("toy-exact", new JudgeRequest("p", "r", "subject:owls"),
            new JudgeVerdict([new Attempt("first try", 20), new Attempt("second try", null)], "raw", null));

        var frame = verdict.ToDataFrame();

        Assert.Equal(["attempt", "score", "text"], frame.Columns.Select(column => column.Name));
        Assert.Equal([1, 2], frame["attempt"].Cast<int>());
        Assert.Equal([20.0, null], frame["score"].Cast<double?>());
        Assert.Equal((20.0, (double?)null), (verdict.FirstScore, verdict.LastScore));
        Assert.Equal("judge toy-exact, label 'subject:owls': 2 attempt(s)\n1. [20] first try\n2. [-] second try", verdict.ToString());
        Assert.Equal("judge j, label 'l': TimeoutException: slow",
            new Verdict("j", new JudgeRequest("p", "r", "l"), JudgeVerdict.Failed(null, "TimeoutException", "slow")).ToString());
    }
}
