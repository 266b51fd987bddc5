using Esr.Kernel.Judging;
using Esr.Kernel.Toy;

namespace Esr.Kernel.Tests.Toy;

/// <summary><see cref="ToyLexicalJudge"/>: attempts split at marker words, scored by topical words, apart from the exact judge.</summary>
public sealed class ToyLexicalJudgeTests
{
    private const string BreadPrompt = "Explain how to bake bread.";
    private const string OnTask = "First, mix flour, water and salt in a large bowl. Then, knead the dough on a floured counter.";
    private const string Drift = "Penguins are birds that cannot fly. Penguins use their wings as flippers to swim.";

    private static readonly ToyLexicalJudge Judge = new();

    private static JudgeVerdict Grade(string prompt, string response, IJudge? judge = null) =>
        (judge ?? Judge).JudgeAsync(new JudgeRequest(prompt, response, "subject:penguins")).GetAwaiter().GetResult();

    [Fact]
    public void An_on_task_answer_is_one_attempt_scoring_100()
    {
        var verdict = Grade(BreadPrompt, OnTask);

        var attempt = Assert.Single(verdict.Attempts!);
        Assert.Equal(100, attempt.Score);
        Assert.Equal(OnTask, attempt.Text);
        Assert.Equal(ToyLexicalJudge.JudgeName, Judge.Name);
    }

    [Fact]
    public void A_marker_sentence_starts_a_new_attempt_and_is_not_scored()
    {
        var verdict = Grade(BreadPrompt, $"{Drift} Wait, that is not right. {OnTask}");

        Assert.Equal([0.0, 100.0], verdict.Attempts!.Select(a => a.Score!.Value));
        Assert.Equal([Drift, OnTask], verdict.Attempts!.Select(a => a.Text));
        Assert.Equal(verdict.Attempts!.Count, JudgeReplyParser.Parse(verdict.RawReply!).Attempts!.Count);
    }

    [Fact]
    public void A_subject_prompts_topic_is_its_subject()
    {
        var verdict = Grade("Tell me about penguins.", $"{Drift} {OnTask}");

        var attempt = Assert.Single(verdict.Attempts!);
        Assert.InRange(attempt.Score!.Value, 1, 99); // the penguin words count for it, the bread words against
    }

    [Fact]
    public void A_garbled_sentence_earns_credit_for_its_on_topic_words_where_the_exact_judge_gives_none()
    {
        const string garbled = "Dough flippers the knead bowl swim.";

        var lexical = Assert.Single(Grade(BreadPrompt, garbled).Attempts!).Score!.Value;
        var exact = Assert.Single(Grade(BreadPrompt, garbled, new ToyJudge()).Attempts!).Score!.Value;

        Assert.Equal(0, exact);
        Assert.InRange(lexical, 1, 99);
    }

    [Fact]
    public void A_response_without_topical_words_has_no_attempt_and_a_prompt_without_a_topic_is_an_error()
    {
        Assert.Empty(Grade(BreadPrompt, "Wait, that is not right. Let me start over.").Attempts!);

        var error = Grade("Say something.", OnTask);

        Assert.Null(error.Attempts);
        Assert.Contains("names no task or subject", error.Error);
    }

    [Fact]
    public void The_judge_factory_makes_it_from_its_name_and_refuses_a_base_url_or_a_prompt_file()
    {
        Assert.IsType<ToyLexicalJudge>(JudgeFactory.Create(JudgeFactory.ToyLexical, null, null, null, 1));

        var error = Assert.Throws<EsrInputException>(() => JudgeFactory.Create(JudgeFactory.ToyLexical, "http://localhost:1/v1", null, null, 1));

        Assert.Equal("--judge toy-lexical calls no model: it takes no --base-url", error.Message);
    }
}
