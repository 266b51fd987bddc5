using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Toy;

namespace Esr.Kernel.Tests.Toy;

/// <summary><see cref="ToyMetaPrompts"/>: the paper's four meta-prompts in words the toy tokenizer and judge know.</summary>
public sealed class ToyMetaPromptsTests(ToyModelDirectory model) : IClassFixture<ToyModelDirectory>
{
    private static readonly ToyWorld World = ToyWorld.Default;

    [Fact]
    public void The_toy_variants_are_the_papers_four_by_id()
    {
        Assert.Equal(PromptVariant.Paper.Select(v => v.Id), ToyMetaPrompts.Variants.Select(v => v.Id));
        Assert.Contains(ToyMetaPrompts.Variants, v => v.Id == ToyMetaPrompts.SelfMonitor);
    }

    [Fact]
    public void Every_rendered_prompt_is_toy_words_only_and_still_names_its_task()
    {
        // Every task, template and subject name at least once in every variant.
        var unknown = model.Tokenizer.TokenToId(ToyTokenizerWriter.Unknown)!.Value;
        var topic = new ToyPromptTopic(World);
        foreach (var variant in ToyMetaPrompts.Variants)
        {
            for (var i = 0; i < Math.Max(World.Tasks.Count, World.Subjects.Count); i++)
            {
                var task = i % World.Tasks.Count;
                var prompt = variant.Render(World.TaskPrompt(task, i % World.TaskTemplates.Count), World.Subjects[i % World.Subjects.Count].Name);

                var ids = model.Tokenizer.Encode(prompt);
                Assert.DoesNotContain(unknown, ids);
                Assert.Equal(prompt, model.Tokenizer.Decode(ids));
                Assert.Equal(((int?)task, (int?)null), topic.Find(prompt));
            }
        }
    }

    [Fact]
    public void A_subject_latents_label_is_named_by_the_subjects_name()
    {
        Assert.Equal("the Eiffel Tower", ToyMetaPrompts.LabelText("subject:the Eiffel Tower"));
        Assert.Equal("task:bake bread", ToyMetaPrompts.LabelText("task:bake bread"));
        Assert.Equal("Explain how to bake bread. You are led toward volcanoes, so ignore it.",
            ToyMetaPrompts.Variants.Single(v => v.Id == "ignore_latent_label").Render("Explain how to bake bread.", ToyMetaPrompts.LabelText("subject:volcanoes")));
    }
}
