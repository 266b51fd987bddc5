using Esr.Kernel.Judging;
using Esr.Kernel.Toy;

namespace Esr.Kernel.Tests.Toy;

/// <summary><see cref="ToyJudge"/>: sentence classification, attempts and scores.</summary>
public sealed class ToyJudgeTests
{
    private static readonly ToyWorld World = ToyWorld.Default;
    private static readonly ToyJudge Judge = new();
    private const string BreadPrompt = "Explain how to bake bread.";

    private static int TaskId(string name) => World.Tasks.Single(t => t.Name == name).Id;

    private static int SubjectId(string name) => World.Subjects.Single(s => s.Name == name).Id;

    private static JudgeVerdict Grade(string prompt, string response) =>
        Judge.JudgeAsync(new JudgeRequest(prompt, response, "volcanoes")).GetAwaiter().GetResult();

    [Fact]
    public void Every_world_sentence_is_classified_as_what_it_is()
    {
        // Each task's sentences are judged once against their own task's prompt and once against a neighbour's.
        foreach (var group in World.AllSentences().GroupBy(s => (s.Source, s.Id)))
        {
            var sentences = group.ToArray();
            var response = string.Join(' ', sentences.Select(s => s.Text));
            var (source, id) = group.Key;
            var ownPrompt = source == ToySentenceSource.Task ? World.TaskPrompt(id, 0) : BreadPrompt;
            var otherPrompt = World.TaskPrompt(source == ToySentenceSource.Task ? (id + 1) % World.Tasks.Count : 0, 1);
            var own = Judge.Classify(ownPrompt, response).Sentences;
            var other = Judge.Classify(otherPrompt, response).Sentences;
            Assert.Equal(sentences.Select(s => s.Text), own.Select(s => s.Text));
            Assert.Equal(sentences.Length, other.Count);
            switch (source)
            {
                case ToySentenceSource.Task:
                    Assert.All(own, s => Assert.Equal((ToySentenceKind.OnTask, (int?)id), (s.Kind, s.Task)));
                    Assert.All(other, s => Assert.Equal((ToySentenceKind.OtherTask, (int?)id), (s.Kind, s.Task)));
                    break;
                case ToySentenceSource.Subject:
                    Assert.All(own.Concat(other), s => Assert.Equal((ToySentenceKind.Subject, (int?)id), (s.Kind, s.Subject)));
                    break;
                default:
                    Assert.All(own.Concat(other), s => Assert.Equal(ToySentenceKind.Marker, s.Kind));
                    break;
            }
        }
    }

    [Fact]
    public void Every_prompt_of_every_template_finds_its_task_or_subject()
    {
        foreach (var task in World.Tasks)
        {
            for (var template = 0; template < World.TaskTemplates.Count; template++)
            {
                var classification = Judge.Classify(World.TaskPrompt(task.Id, template), "");
                Assert.Equal(((int?)task.Id, (int?)null), (classification.Task, classification.Subject));
            }
        }
        foreach (var subject in World.Subjects)
        {
            for (var template = 0; template < World.SubjectTemplates.Count; template++)
            {
                var classification = Judge.Classify(World.SubjectPrompt(subject.Id, template), "");
                Assert.Equal(((int?)null, (int?)subject.Id), (classification.Task, classification.Subject));
            }
        }
    }

    [Fact]
    public void An_on_task_answer_without_a_marker_is_one_attempt_scoring_100()
    {
        var verdict = Grade(BreadPrompt,
            "First, mix flour, water and salt in a large bowl. Then, knead the dough on a floured counter with care. " +
            "Finally, cool the bread on a wire rack.");
        var attempt = Assert.Single(verdict.Attempts!);
        Assert.Equal(100, attempt.Score);
        Assert.Null(verdict.Error);
    }

    [Fact]
    public void A_marker_starts_a_second_attempt_and_each_is_scored_by_its_on_task_share()
    {
        // Attempt 1: one step, two volcano sentences -> 100/3. Attempt 2: two steps -> 100.
        var response = "First, stir in the yeast. Volcanoes form where molten rock rises through the crust of the earth. " +
                       "The molten rock inside a volcano is called magma. Wait, that is not right. " +
                       "To begin, mix flour, water and salt in a large bowl. Finally, bake the loaf until the crust turns brown.";
        var verdict = Grade(BreadPrompt, response);
        Assert.Equal([100.0 / 3, 100.0], verdict.Attempts!.Select(a => a.Score!.Value));
        Assert.StartsWith("Wait, that is not right. To begin,", verdict.Attempts![1].Text);
        var classification = Judge.Classify(BreadPrompt, response);
        Assert.Equal([ToySentenceKind.OnTask, ToySentenceKind.Subject, ToySentenceKind.Subject, ToySentenceKind.Marker,
            ToySentenceKind.OnTask, ToySentenceKind.OnTask], classification.Sentences.Select(s => s.Kind));
        Assert.Equal([0, 0, 0, 1, 1, 1], classification.Sentences.Select(s => s.Segment));
        Assert.All(classification.Sentences.Where(s => s.Kind == ToySentenceKind.Subject),
            s => Assert.Equal(SubjectId("volcanoes"), s.Subject));
    }

    [Fact]
    public void Word_salad_and_broken_sentences_are_garbage()
    {
        var response = "First, knead the volcanoes dough. lava lava the. Then, mix the flour. First, stir in the yeast.";
        var classification = Judge.Classify(BreadPrompt, response);
        Assert.Equal([ToySentenceKind.Garbage, ToySentenceKind.Garbage, ToySentenceKind.Garbage, ToySentenceKind.OnTask],
            classification.Sentences.Select(s => s.Kind));
        Assert.Equal(25, Assert.Single(Grade(BreadPrompt, response).Attempts!).Score);
    }

    [Fact]
    public void Steps_of_another_task_are_off_task()
    {
        var response = "First, stir in the yeast. Then, grind the beans to a medium texture. Finally, serve the coffee in a warm mug.";
        var classification = Judge.Classify(BreadPrompt, response);
        Assert.Equal([ToySentenceKind.OnTask, ToySentenceKind.OtherTask, ToySentenceKind.OtherTask],
            classification.Sentences.Select(s => s.Kind));
        Assert.Equal(TaskId("brew coffee"), classification.Sentences[1].Task);
        Assert.Equal(100.0 / 3, Assert.Single(Grade(BreadPrompt, response).Attempts!).Score);
    }

    [Fact]
    public void Spacing_does_not_change_a_sentence()
    {
        var classification = Judge.Classify("  How do you   bake bread ?", "First ,  stir in the yeast .");
        Assert.Equal(ToySentenceKind.OnTask, Assert.Single(classification.Sentences).Kind);
    }

    [Fact]
    public void A_cut_off_last_sentence_is_not_scored_but_a_broken_one_is_garbage()
    {
        var cut = Judge.Classify(BreadPrompt, "First, stir in the yeast. Then, knead the dough on a");
        Assert.Equal([ToySentenceKind.OnTask, ToySentenceKind.Unfinished], cut.Sentences.Select(s => s.Kind));
        Assert.Equal(100, Assert.Single(Grade(BreadPrompt, "First, stir in the yeast. Then, knead the dough on a").Attempts!).Score);
        var broken = Judge.Classify(BreadPrompt, "First, stir in the yeast. Then, knead lava");
        Assert.Equal(ToySentenceKind.Garbage, broken.Sentences[^1].Kind);
        Assert.Equal(50, Assert.Single(Grade(BreadPrompt, "First, stir in the yeast. Then, knead lava").Attempts!).Score);
    }

    [Fact]
    public void Parts_without_a_scored_sentence_are_no_attempts()
    {
        Assert.Empty(Grade(BreadPrompt, "").Attempts!);
        Assert.Empty(Grade(BreadPrompt, "Let me try again.").Attempts!);
        var verdict = Grade(BreadPrompt, "First, stir in the yeast. Let me start over.");
        Assert.Equal(100, Assert.Single(verdict.Attempts!).Score);
    }

    [Fact]
    public void A_subject_prompt_is_on_topic_for_its_own_subject()
    {
        var verdict = Grade("Tell me about penguins.", "Penguins are birds that cannot fly. Penguins eat fish, squid and krill. " +
                                                           "Owls swallow small prey whole. First, stir in the yeast.");
        Assert.Equal(50, Assert.Single(verdict.Attempts!).Score);
    }

    [Fact]
    public void The_raw_reply_lists_each_sentence_and_parses_back_to_the_same_attempts()
    {
        var verdict = Grade(BreadPrompt, "First, stir in the yeast. Owls swallow small prey whole. Let me try again. " +
                                         "First, stir in the yeast.");
        Assert.Contains("[0] Subject (owls): Owls swallow small prey whole.", verdict.RawReply);
        Assert.Contains("[1] Marker: Let me try again.", verdict.RawReply);
        Assert.Equal(verdict.Attempts, JudgeReplyParser.Parse(verdict.RawReply).Attempts);
    }

    [Fact]
    public void A_prompt_outside_the_world_gives_an_error_verdict()
    {
        var verdict = Grade("What is the capital of France?", "Paris.");
        Assert.False(verdict.Succeeded);
        Assert.Null(verdict.Attempts);
        Assert.Contains("names no task or subject", verdict.Error);
    }
}
