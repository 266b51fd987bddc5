using Esr.Kernel.Toy;

namespace Esr.Kernel.Tests.Toy;

/// <summary><see cref="ToyWorld"/>: the content's size and the rules the judge and tokenizer rely on.</summary>
public sealed class ToyWorldTests
{
    private static readonly ToyWorld World = ToyWorld.Default;

    [Fact]
    public void The_experiment_prompts_ask_for_every_task_once_in_every_template_by_turns()
    {
        var prompts = World.ExperimentPrompts();
        var judge = new ToyJudge(World);

        Assert.Equal(World.Tasks.Count, prompts.Count);
        Assert.Equal(World.Tasks.Select(t => t.Id), prompts.Select(p => judge.Classify(p, "").Task!.Value));
        Assert.Equal(World.TaskTemplates.Count, prompts.Select((p, i) => World.TaskPrompt(i, i % World.TaskTemplates.Count) == p ? i % World.TaskTemplates.Count : -1).Distinct().Count());
    }

    [Fact]
    public void The_default_world_has_enough_tasks_subjects_markers_and_templates()
    {
        Assert.True(World.Tasks.Count >= 30, $"{World.Tasks.Count} tasks");
        Assert.True(World.Subjects.Count >= 30, $"{World.Subjects.Count} subjects");
        Assert.True(World.Markers.Count >= 8, $"{World.Markers.Count} markers");
        Assert.All(World.Tasks, t => Assert.Equal(12, t.Steps.Count));
        Assert.All(World.Subjects, s => Assert.Equal(11, s.Sentences.Count));
        Assert.True(World.TaskTemplates.Count >= 5);
        Assert.True(World.SubjectTemplates.Count >= 5);
        Assert.Equal(Enumerable.Range(0, World.Tasks.Count), World.Tasks.Select(t => t.Id));
        Assert.Equal(Enumerable.Range(0, World.Subjects.Count), World.Subjects.Select(s => s.Id));
    }

    [Fact]
    public void Six_subjects_are_held_out()
    {
        Assert.Equal(6, World.HeldOutSubjects.Distinct().Count());
        Assert.Contains(World.Subjects.Single(s => s.Name == "wolves").Id, World.HeldOutSubjects);
    }

    [Fact]
    public void Tasks_have_thousands_of_distinct_sentences_and_the_vocabulary_stays_small()
    {
        var taskSentences = World.AllSentences().Where(s => s.Source == ToySentenceSource.Task).Select(s => s.Text).ToHashSet();
        Assert.True(taskSentences.Count > 10_000, $"{taskSentences.Count} task sentences");
        Assert.InRange(World.Vocabulary.Count, 1000, 2200); // about 2,000 words: a small embedding table
        Assert.Equal(World.Vocabulary.Order(StringComparer.Ordinal), World.Vocabulary);
    }

    [Fact]
    public void Every_sentence_ends_with_its_only_period_and_belongs_to_one_owner()
    {
        var owners = new Dictionary<string, (ToySentenceSource, int)>();
        foreach (var sentence in World.AllSentences())
        {
            Assert.EndsWith(".", sentence.Text);
            Assert.Equal(sentence.Text.Length - 1, sentence.Text.IndexOfAny(['.', '?', '!']));
            var key = string.Join(' ', ToyWorld.Words(sentence.Text));
            Assert.Equal((sentence.Source, sentence.Id), owners.TryAdd(key, (sentence.Source, sentence.Id)) ? (sentence.Source, sentence.Id) : owners[key]);
            var found = World.Find(sentence.Text)!;
            Assert.Equal((sentence.Source, sentence.Id), (found.Source, found.Id));
        }
    }

    [Fact]
    public void Every_word_of_every_prompt_and_sentence_is_in_the_vocabulary()
    {
        var vocabulary = World.Vocabulary.ToHashSet(StringComparer.Ordinal);
        var prompts = World.Tasks.SelectMany(t => World.TaskTemplates.Select((_, i) => World.TaskPrompt(t.Id, i)))
            .Concat(World.Subjects.SelectMany(s => World.SubjectTemplates.Select((_, i) => World.SubjectPrompt(s.Id, i))));
        foreach (var text in prompts.Concat(World.AllSentences().Select(s => s.Text)))
            Assert.All(ToyWorld.Words(text), word => Assert.Contains(word, vocabulary));
    }

    [Fact]
    public void A_step_sentence_is_connector_comma_step_and_optional_suffix()
    {
        Assert.Equal("Then, stir in the yeast.", ToyWorld.StepSentence("Then", "stir in the yeast", ""));
        Assert.Equal("Then, stir in the yeast with care.", ToyWorld.StepSentence("Then", "stir in the yeast", "with care"));
    }

    [Fact]
    public void Only_the_beginning_of_a_sentence_starts_a_sentence()
    {
        Assert.True(World.StartsSentence("Then, knead the dough"));
        Assert.False(World.StartsSentence("Then, knead the dough on a floured counter."));
        Assert.False(World.StartsSentence("knead the dough"));
        Assert.False(World.StartsSentence(""));
    }

    [Fact]
    public void Words_are_letter_runs_and_single_punctuation_marks()
    {
        Assert.Equal(["Wait", ",", "that", "is", "not", "right", ".", "."], ToyWorld.Words("Wait,  that is not right.."));
    }

    [Fact]
    public void A_sentence_shared_by_two_owners_is_rejected_with_both_names()
    {
        const string text = """
            first: First
            middle: Then
            last: Finally
            common-suffix: with care
            task-template: Explain how to {0}.
            subject-template: Tell me about {0}.
            marker: Let me try again.
            task: walk home
            step: walk home
            subject: walking
            sentence: First, walk home.
            """;
        var world = ToyWorldFile.Parse(text, "test.txt");
        var error = Assert.Throws<InvalidDataException>(() => world.Find("First, walk home."));
        Assert.Contains("task \"walk home\"", error.Message);
        Assert.Contains("subject \"walking\"", error.Message);
    }

    [Theory]
    [InlineData("task: x\nsuffix: a.b", "line 2")]
    [InlineData("subject: y\nsentence: No period", "must end with")]
    [InlineData("step: orphan", "must follow a \"task\" line")]
    [InlineData("colour: red", "unknown key \"colour\"")]
    [InlineData("marker: Wait, that's wrong.", "''' is not allowed")]
    public void A_malformed_content_line_is_rejected_with_its_line(string text, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => ToyWorldFile.Parse(text, "test.txt"));
        Assert.Contains("test.txt", error.Message);
        Assert.Contains(expected, error.Message);
    }
}
