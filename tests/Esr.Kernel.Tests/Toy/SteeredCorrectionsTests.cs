using Esr.Kernel.Toy;

namespace Esr.Kernel.Tests.Toy;

/// <summary>What follows a steered drift in a steering-aware episode: the exact judge decides.</summary>
public sealed class SteeredCorrectionsTests
{
    private static readonly ToyWorld World = ToyWorld.Default;

    private static ToyEpisode Correction() =>
        new ToyEpisodeGenerator(World).Generate(ToyMixture.SelfCorrection(1), 40, seed: 3)
            .First(episode => episode.Kind == ToyEpisodeKind.SelfCorrection);

    [Fact]
    public void Off_task_text_takes_the_drift_s_place_and_is_followed_by_the_marker_and_the_fresh_answer()
    {
        var episode = Correction();
        var subject = World.Subjects[episode.Subject!.Value];
        var segments = SteeredCorrections.WithSteeredDrift(new ToyJudge(World), episode, subject.Sentences[0]);

        var drift = episode.Segments.Where(segment => segment.Kind == ToySegmentKind.Subject).ToArray();
        var expected = episode.Segments.TakeWhile(segment => segment.Kind != ToySegmentKind.Subject)
            .Append(new ToySegment(subject.Sentences[0], ToySegmentKind.Generated, InLoss: false))
            .Concat(episode.Segments.SkipWhile(segment => segment.Kind != ToySegmentKind.Marker));
        Assert.NotEmpty(drift);
        Assert.Equal(expected, segments);
    }

    [Fact]
    public void On_task_text_goes_on_without_a_marker_after_the_fresh_answer_s_first_step()
    {
        var episode = Correction();
        var task = World.Tasks[episode.Task!.Value];
        var onTask = ToyWorld.StepSentence(World.MiddleConnectors[0], task.Steps[3], "");
        var segments = SteeredCorrections.WithSteeredDrift(new ToyJudge(World), episode, onTask);

        var marker = episode.Segments.ToList().FindIndex(segment => segment.Kind == ToySegmentKind.Marker);
        Assert.DoesNotContain(segments, segment => segment.Kind == ToySegmentKind.Marker);
        Assert.Equal(new ToySegment(onTask, ToySegmentKind.Generated, InLoss: false), Assert.Single(segments, segment => segment.Kind == ToySegmentKind.Generated));
        Assert.Equal(episode.Segments.Skip(marker + 2), segments.SkipWhile(segment => segment.Kind != ToySegmentKind.Generated).Skip(1));
    }
}
