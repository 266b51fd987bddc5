using Esr.Kernel.Toy;

namespace Esr.Kernel.Tests.Toy;

/// <summary><see cref="ToyEpisodeGenerator"/>: determinism, mixture, episode shapes and masks.</summary>
public sealed class ToyEpisodeGeneratorTests
{
    private static readonly ToyWorld World = ToyWorld.Default;
    private static readonly ToyEpisodeGenerator Generator = new(World);
    private static readonly ToyJudge Judge = new();
    private static readonly ToyMixture Everything = new(0.25, 0.25, 0.25, 0.25);

    private static string Render(IEnumerable<ToyEpisode> episodes) =>
        string.Join('\n', episodes.Select(e => $"{e.Kind}|{e.Task}|{e.Subject}|{e.Prompt}|" +
                                               string.Join('|', e.Segments.Select(s => $"{s.Kind}:{s.InLoss}:{s.Text}"))));

    [Fact]
    public void The_same_seed_gives_the_same_episodes_and_another_seed_others()
    {
        var first = Render(Generator.Generate(Everything, 200, seed: 7));
        Assert.Equal(first, Render(new ToyEpisodeGenerator(World).Generate(Everything, 200, seed: 7)));
        Assert.NotEqual(first, Render(Generator.Generate(Everything, 200, seed: 8)));
    }

    [Fact]
    public void The_episode_kinds_follow_the_mixture_exactly()
    {
        var episodes = Generator.Generate(ToyMixture.SelfCorrection(0.3), 1000, seed: 1);
        Assert.Equal(490, episodes.Count(e => e.Kind == ToyEpisodeKind.Normal));
        Assert.Equal(300, episodes.Count(e => e.Kind == ToyEpisodeKind.SubjectAnswer));
        Assert.Equal(210, episodes.Count(e => e.Kind == ToyEpisodeKind.SelfCorrection));
        // Shuffled: the first hundred are not all one kind.
        Assert.True(episodes.Take(100).Select(e => e.Kind).Distinct().Count() >= 2);
    }

    [Fact]
    public void Held_out_subjects_never_appear_in_self_correction_episodes_but_do_in_subject_answers()
    {
        var episodes = Generator.Generate(Everything, 2000, seed: 3);
        var heldOutText = World.HeldOutSubjects.SelectMany(id => World.Subjects[id].Sentences).ToHashSet();
        var corrections = episodes.Where(e => e.Kind == ToyEpisodeKind.SelfCorrection).ToArray();
        Assert.All(corrections, e => Assert.DoesNotContain(e.Subject!.Value, World.HeldOutSubjects));
        Assert.All(corrections, e => Assert.DoesNotContain(e.Segments, s => heldOutText.Contains(s.Text)));
        Assert.Contains(episodes, e => e.Kind == ToyEpisodeKind.SubjectAnswer && World.HeldOutSubjects.Contains(e.Subject!.Value));
    }

    [Fact]
    public void Only_the_subject_span_of_a_self_correction_episode_is_outside_the_loss()
    {
        var episodes = Generator.Generate(Everything, 800, seed: 5);
        foreach (var episode in episodes)
        {
            var masked = episode.Segments.Where(s => !s.InLoss).ToArray();
            if (episode.Kind == ToyEpisodeKind.SelfCorrection)
                Assert.Equal(episode.Segments.Where(s => s.Kind == ToySegmentKind.Subject), masked);
            else
                Assert.Empty(masked);
        }
    }

    [Fact]
    public void Every_episode_has_the_shape_of_its_kind_and_the_judge_agrees_with_every_sentence()
    {
        foreach (var episode in Generator.Generate(Everything, 800, seed: 11))
        {
            var kinds = episode.Segments.Select(s => s.Kind).ToArray();
            var classification = Judge.Classify(episode.Prompt, episode.Answer);
            Assert.Equal(episode.Segments.Select(s => s.Text), classification.Sentences.Select(s => s.Text));
            var expected = episode.Segments.Select(s => s.Kind switch
            {
                ToySegmentKind.Marker => ToySentenceKind.Marker,
                ToySegmentKind.Subject when episode.Kind == ToyEpisodeKind.SubjectAnswer => ToySentenceKind.OnTask,
                ToySegmentKind.Subject => ToySentenceKind.Subject,
                _ => ToySentenceKind.OnTask,
            });
            Assert.Equal(expected, classification.Sentences.Select(s => s.Kind));
            var onTask = kinds.Count(k => k == ToySegmentKind.OnTask);
            var subject = kinds.Count(k => k == ToySegmentKind.Subject);
            var drift = kinds.TakeWhile(k => k == ToySegmentKind.OnTask).Count();
            switch (episode.Kind)
            {
                case ToyEpisodeKind.Normal:
                    Assert.InRange(onTask, 4, 6);
                    Assert.Equal(onTask, kinds.Length);
                    break;
                case ToyEpisodeKind.SubjectAnswer:
                    Assert.InRange(subject, 4, 6);
                    Assert.Equal(subject, kinds.Length);
                    break;
                case ToyEpisodeKind.SelfCorrection:
                    Assert.InRange(drift, 0, 2);
                    Assert.InRange(subject, 1, 3);
                    Assert.Equal(ToySegmentKind.Marker, kinds[drift + subject]);
                    Assert.InRange(kinds.Length - drift - subject - 1, 3, 5);
                    Assert.All(kinds.Skip(drift + subject + 1), k => Assert.Equal(ToySegmentKind.OnTask, k));
                    Assert.Equal(2, classification.Attempts.Count);
                    Assert.Equal(100, ToyClassification.Score(classification.Attempts[1]));
                    break;
                default:
                    Assert.InRange(drift, 0, 2);
                    Assert.InRange(subject, 2, 4);
                    Assert.Equal(drift + subject, kinds.Length);
                    break;
            }
        }
    }

    [Fact]
    public void Drift_starts_at_the_beginning_or_mid_answer()
    {
        var onsets = Generator.Generate(new ToyMixture(0, 0, 1, 0), 300, seed: 2)
            .Select(e => e.Segments.TakeWhile(s => s.Kind == ToySegmentKind.OnTask).Count()).ToHashSet();
        Assert.Equal([0, 1, 2], onsets.Order());
    }

    [Fact]
    public void Complete_answers_open_with_a_first_connector_and_close_with_a_last_one()
    {
        foreach (var episode in Generator.Generate(ToyMixture.Base, 200, seed: 4).Where(e => e.Kind == ToyEpisodeKind.Normal))
        {
            Assert.Contains(World.FirstConnectors, c => episode.Segments[0].Text.StartsWith(c + ",", StringComparison.Ordinal));
            Assert.Contains(World.LastConnectors, c => episode.Segments[^1].Text.StartsWith(c + ",", StringComparison.Ordinal));
        }
    }
}
