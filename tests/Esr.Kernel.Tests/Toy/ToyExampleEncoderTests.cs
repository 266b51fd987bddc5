using Esr.Kernel.Text;
using Esr.Kernel.Toy;

namespace Esr.Kernel.Tests.Toy;

/// <summary><see cref="ToyExampleEncoder"/>: the training sequence and its loss mask.</summary>
public sealed class ToyExampleEncoderTests(ToyModelDirectory model) : IClassFixture<ToyModelDirectory>
{
    private static readonly ToyEpisodeGenerator Generator = new(ToyWorld.Default);

    [Fact]
    public void The_ids_are_the_rendered_conversation_tokenized()
    {
        foreach (var episode in Generator.Generate(new ToyMixture(0.25, 0.25, 0.25, 0.25), 40, seed: 9))
        {
            var (ids, mask, _, _) = ToyExampleEncoder.Encode(model.Tokenizer, model.Template, episode);
            var rendered = model.Template.Render(
                [ChatMessage.User(episode.Prompt), ChatMessage.Assistant(episode.Answer)], addGenerationPrompt: false);
            Assert.Equal(model.Tokenizer.Encode(rendered), ids);
            Assert.Equal(ids.Length, mask.Length);
        }
    }

    [Fact]
    public void The_loss_covers_the_answer_without_its_masked_span_and_the_end_of_turn()
    {
        var episode = Generator.Generate(new ToyMixture(0, 0, 1, 0), 10, seed: 6).First();
        var (ids, mask, _, _) = ToyExampleEncoder.Encode(model.Tokenizer, model.Template, episode);
        var trained = ids.Where((_, i) => mask[i]).ToArray();
        var kept = string.Join(' ', episode.Segments.Where(s => s.InLoss).Select(s => s.Text));
        Assert.Equal([.. model.Tokenizer.Encode(kept), model.Tokenizer.TokenToId(ToyTokenizerWriter.EndOfTurn)!.Value], trained);
        Assert.True(mask[^1]);

        // The untrained tokens are the prompt with its headers, then the subject sentences.
        var prefix = model.Template.Render([ChatMessage.User(episode.Prompt)], addGenerationPrompt: true);
        var masked = string.Join(' ', episode.Segments.Where(s => !s.InLoss).Select(s => s.Text));
        Assert.Equal([.. model.Tokenizer.Encode(prefix), .. model.Tokenizer.Encode(masked)], ids.Where((_, i) => !mask[i]));
    }

    [Fact]
    public void A_normal_episode_trains_on_every_answer_token_and_nothing_before()
    {
        var episode = Generator.Generate(ToyMixture.Base, 10, seed: 6).First(e => e.Kind == ToyEpisodeKind.Normal);
        var (ids, mask, _, _) = ToyExampleEncoder.Encode(model.Tokenizer, model.Template, episode);
        var prefixLength = model.Tokenizer.Encode(
            model.Template.Render([ChatMessage.User(episode.Prompt)], addGenerationPrompt: true)).Length;
        Assert.All(mask.Take(prefixLength), Assert.False);
        Assert.All(mask.Skip(prefixLength), Assert.True);
    }

    [Fact]
    public void A_drift_onset_trains_on_the_steps_and_the_first_subject_sentence_only()
    {
        // Coherent drift with at least two subject sentences after its steps, so that something follows the onset.
        var episode = Generator.Generate(new ToyMixture(0, 0, 0, 1), 40, seed: 4)
            .First(e => e.Segments.Count(s => s.Kind == ToySegmentKind.Subject) >= 2 && e.Segments[0].Kind == ToySegmentKind.OnTask);
        var onset = ToyZooBuilder.DriftOnset(episode);
        var first = episode.Segments.Select(s => s.Kind).ToList().IndexOf(ToySegmentKind.Subject);
        Assert.Equal(episode.Segments.Select(s => s with { InLoss = true }), onset.Segments.Select(s => s with { InLoss = true })); // the same text
        Assert.Equal(episode.Segments.Select((_, i) => i <= first), onset.Segments.Select(s => s.InLoss));

        var (ids, mask, _, _) = ToyExampleEncoder.Encode(model.Tokenizer, model.Template, onset);
        Assert.Equal(ToyExampleEncoder.Encode(model.Tokenizer, model.Template, episode).Ids, ids);
        var taught = string.Join(' ', episode.Segments.Take(first + 1).Select(s => s.Text));
        Assert.Equal(model.Tokenizer.Encode(taught), ids.Where((_, i) => mask[i]));
        Assert.False(mask[^1]); // nor the end of the answer

        Assert.Throws<ArgumentException>(() => ToyZooBuilder.DriftOnset(episode with { Segments = [.. episode.Segments.Where(s => s.Kind != ToySegmentKind.Subject)] }));
    }

    [Fact]
    public void Answer_tokens_are_labelled_by_their_topic_for_the_prompt()
    {
        var correction = Generator.Generate(new ToyMixture(0, 0, 1, 0), 10, seed: 6).First(e => e.Segments[0].Kind == ToySegmentKind.OnTask);
        var sequence = ToyExampleEncoder.Encode(model.Tokenizer, model.Template, correction);
        var expected = new List<bool?>();
        expected.AddRange(Enumerable.Repeat((bool?)null, sequence.Ids.Length - model.Tokenizer.Encode(correction.Answer).Length - 1)); // prompt and headers
        foreach (var segment in correction.Segments)
            expected.AddRange(Enumerable.Repeat(segment.Kind switch { ToySegmentKind.OnTask => false, ToySegmentKind.Subject => true, _ => (bool?)null },
                model.Tokenizer.Encode(segment.Text).Length));
        expected.Add(null); // the end-of-turn token
        Assert.Equal(expected, sequence.OffTopic!);
        Assert.Contains(true, sequence.OffTopic!);

        // Asked about the subject, its sentences are on topic; a model's own text is off topic when a marker answers it.
        var answer = Generator.Generate(new ToyMixture(0, 1, 0, 0), 1, seed: 6)[0];
        Assert.DoesNotContain(true, ToyExampleEncoder.Encode(model.Tokenizer, model.Template, answer).OffTopic!);
        var generated = new ToySegment("lava the magma.", ToySegmentKind.Generated, false);
        var marker = new ToySegment("Wait, that is not right.", ToySegmentKind.Marker, true);
        Assert.True(ToyExampleEncoder.OffTopic(correction with { Segments = [generated, marker] }, generated));
        Assert.False(ToyExampleEncoder.OffTopic(correction with { Segments = [generated] }, generated));
        Assert.Null(ToyExampleEncoder.OffTopic(correction, marker));
    }

    [Fact]
    public void A_template_that_adds_text_after_the_generation_prompt_is_rejected()
    {
        var paper = new Llama30ChatTemplate(ChatTemplateOptions.PaperReproduction, ToyTokenizerWriter.BeginOfText);
        var episode = Generator.Generate(ToyMixture.Base, 1, seed: 1)[0];
        Assert.Throws<ArgumentException>(() => ToyExampleEncoder.Encode(model.Tokenizer, paper, episode));
    }

    [Fact]
    public void A_steered_span_of_any_words_is_masked_exactly()
    {
        // The drift a steered model wrote: no world sentence, punctuation stuck together.
        var episode = new ToyEpisode("Explain how to bake bread.",
        [
            new ToySegment("First, stir in the yeast.", ToySegmentKind.OnTask, true),
            new ToySegment("lava the magma., knead", ToySegmentKind.Generated, false),
            new ToySegment("Wait, that is not right.", ToySegmentKind.Marker, true),
        ], ToyEpisodeKind.SelfCorrection, 0, null);
        var (ids, mask, _, _) = ToyExampleEncoder.Encode(model.Tokenizer, model.Template, episode);
        var masked = ids.Where((_, i) => !mask[i]).Select(id => model.Tokenizer.IdToToken(id)).TakeLast(6);
        Assert.Equal(["lava", "the", "magma", ".", ",", "knead"], masked);
    }

    [Fact]
    public void A_segment_with_whitespace_at_an_end_is_rejected()
    {
        var episode = new ToyEpisode("Explain how to bake bread.",
            [new ToySegment(" First, stir in the yeast.", ToySegmentKind.OnTask, true)], ToyEpisodeKind.Normal, 0, null);
        Assert.Throws<ArgumentException>(() => ToyExampleEncoder.Encode(model.Tokenizer, model.Template, episode));
    }
}
