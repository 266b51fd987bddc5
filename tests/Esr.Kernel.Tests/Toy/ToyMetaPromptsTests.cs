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

    [Fact]
    public void Drift_without_a_return_carries_the_other_three_templates_at_the_share_and_never_self_monitor()
    {
        var drift = new ToyEpisodeGenerator(World).Generate(ToyMixture.Base with { Normal = 0, SubjectAnswer = 0, CoherentDrift = 1 }, 600, seed: 4);
        var meta = new ToyMetaPrompts(Share: 0.4, SelfMonitorRatio: 0.9);

        var templated = meta.OnDrift(drift, World, seed: 9);

        Assert.Equal(templated, meta.OnDrift(drift, World, seed: 9));
        Assert.Equal(drift.Count, templated.Count);
        var changed = drift.Zip(templated).Where(pair => pair.First.Prompt != pair.Second.Prompt).ToArray();
        Assert.InRange(changed.Length, 200, 280); // 40 % of 600 is 240; a binomial's 99.9 % range is about ±40
        Assert.All(drift.Zip(templated), pair => Assert.Equal(pair.First with { Prompt = pair.Second.Prompt, MetaPrompt = pair.Second.MetaPrompt }, pair.Second));
        Assert.All(drift.Zip(templated).Except(changed), pair => Assert.Null(pair.Second.MetaPrompt));
        var used = changed.Select(pair => ToyMetaPrompts.Variants.Single(v => v.Render(pair.First.Prompt, World.Subjects[pair.First.Subject!.Value].Name) == pair.Second.Prompt).Id).ToArray();
        Assert.Equal(used, changed.Select(pair => pair.Second.MetaPrompt));
        Assert.Equal(ToyMetaPrompts.Variants.Select(v => v.Id).Where(id => id != ToyMetaPrompts.SelfMonitor).Order(), used.Distinct().Order());
    }

    [Fact]
    public void Only_self_monitor_corrections_learn_their_steered_drift()
    {
        var generator = new ToyEpisodeGenerator(World);
        var meta = new ToyMetaPrompts(Share: 1, SelfMonitorRatio: 0.9);
        var prompted = meta.Episodes(generator, World, count: 80, ratio: 0.6, seed: 5);
        var selfMonitor = ToyMetaPrompts.Variants.Single(v => v.Id == ToyMetaPrompts.SelfMonitor).Template.Replace("{prompt}", "", StringComparison.Ordinal);

        // Each template a quarter, each episode marked with the template its prompt ends with.
        Assert.All(ToyMetaPrompts.Variants, variant => Assert.Equal(20, prompted.Count(episode => episode.MetaPrompt == variant.Id)));
        Assert.All(prompted, episode => Assert.Equal(episode.Prompt.EndsWith(selfMonitor, StringComparison.Ordinal), ToyMetaPrompts.LearnsSteeredDrift(episode)));
        Assert.False(ToyMetaPrompts.LearnsSteeredDrift(generator.Generate(ToyMixture.SelfCorrection(1), 1, seed: 3)[0]));
    }
}
