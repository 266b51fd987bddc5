namespace Esr.Kernel.Toy;

/// <summary>
/// Builds training episodes from a <see cref="ToyWorld"/>. The same world, mixture, count and seed always give the
/// same episodes in the same order.
/// </summary>
/// <remarks>
/// An on-task answer takes an ordered random subset of its task's steps: the first sentence opens with a
/// "first" connector, the last of a complete answer with a "last" connector, the others with "middle" ones; each
/// sentence takes a random suffix or none. Subject text is an ordered random subset of the subject's sentences.
/// Held-out subjects appear in subject answers and coherent drift but never in self-correction episodes.
/// </remarks>
public sealed class ToyEpisodeGenerator
{
    private readonly ToyWorld _world;
    private readonly int[] _correctableSubjects;

    /// <summary>Creates a generator for a world.</summary>
    public ToyEpisodeGenerator(ToyWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        _world = world;
        _correctableSubjects = world.Subjects.Select(s => s.Id).Except(world.HeldOutSubjects).ToArray();
        if (_correctableSubjects.Length == 0)
            throw new ArgumentException("Every subject of the world is held out; self-correction needs one.", nameof(world));
    }

    /// <summary>Generates <paramref name="count"/> episodes, the kinds apportioned by the mixture and shuffled.</summary>
    public IReadOnlyList<ToyEpisode> Generate(ToyMixture mixture, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        var counts = mixture.Counts(count);
        var kinds = counts.SelectMany((n, kind) => Enumerable.Repeat((ToyEpisodeKind)kind, n)).ToArray();
        var random = new Random(seed);
        random.Shuffle(kinds);
        return kinds.Select(kind => Generate(kind, random)).ToArray();
    }

    private ToyEpisode Generate(ToyEpisodeKind kind, Random random)
    {
        switch (kind)
        {
            case ToyEpisodeKind.SubjectAnswer:
            {
                var subject = random.Next(_world.Subjects.Count);
                var prompt = _world.SubjectPrompt(subject, random.Next(_world.SubjectTemplates.Count));
                return new ToyEpisode(prompt, SubjectSentences(subject, random.Next(4, 7), inLoss: true, random),
                    kind, null, subject);
            }
            case ToyEpisodeKind.Normal:
            {
                var (task, prompt) = TaskPrompt(random);
                return new ToyEpisode(prompt, Answer(task, random.Next(4, 7), complete: true, random), kind, task, null);
            }
            case ToyEpisodeKind.SelfCorrection:
            {
                var (task, prompt) = TaskPrompt(random);
                var subject = _correctableSubjects[random.Next(_correctableSubjects.Length)];
                var marker = new ToySegment(_world.Markers[random.Next(_world.Markers.Count)], ToySegmentKind.Marker, true);
                ToySegment[] segments =
                [
                    .. Answer(task, random.Next(0, 3), complete: false, random),
                    .. SubjectSentences(subject, random.Next(1, 4), inLoss: false, random),
                    marker,
                    .. Answer(task, random.Next(3, 6), complete: true, random),
                ];
                return new ToyEpisode(prompt, segments, kind, task, subject);
            }
            case ToyEpisodeKind.CoherentDrift:
            {
                var (task, prompt) = TaskPrompt(random);
                var subject = random.Next(_world.Subjects.Count);
                ToySegment[] segments =
                [
                    .. Answer(task, random.Next(0, 3), complete: false, random),
                    .. SubjectSentences(subject, random.Next(2, 5), inLoss: true, random),
                ];
                return new ToyEpisode(prompt, segments, kind, task, subject);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not an episode kind.");
        }
    }

    private (int Task, string Prompt) TaskPrompt(Random random)
    {
        var task = random.Next(_world.Tasks.Count);
        return (task, _world.TaskPrompt(task, random.Next(_world.TaskTemplates.Count)));
    }

    // Step sentences; "complete" answers end with a "last" connector, unfinished ones (before a drift) do not.
    // Every helper draws eagerly, so the random stream does not depend on how the results are enumerated.
    private ToySegment[] Answer(int taskId, int count, bool complete, Random random)
    {
        var task = _world.Tasks[taskId];
        var suffixes = _world.SuffixesOf(task);
        var steps = OrderedSubset(task.Steps.Count, count, random);
        var segments = new ToySegment[steps.Length];
        for (var i = 0; i < steps.Length; i++)
        {
            var connectors = i == 0 ? _world.FirstConnectors
                : complete && i == steps.Length - 1 ? _world.LastConnectors
                : _world.MiddleConnectors;
            var text = ToyWorld.StepSentence(connectors[random.Next(connectors.Count)], task.Steps[steps[i]],
                suffixes[random.Next(suffixes.Count)]);
            segments[i] = new ToySegment(text, ToySegmentKind.OnTask, true);
        }
        return segments;
    }

    private ToySegment[] SubjectSentences(int subjectId, int count, bool inLoss, Random random)
    {
        var sentences = _world.Subjects[subjectId].Sentences;
        return OrderedSubset(sentences.Count, count, random)
            .Select(i => new ToySegment(sentences[i], ToySegmentKind.Subject, inLoss)).ToArray();
    }

    private static int[] OrderedSubset(int total, int count, Random random)
    {
        var indices = Enumerable.Range(0, total).ToArray();
        random.Shuffle(indices);
        var chosen = indices[..Math.Min(count, total)];
        Array.Sort(chosen);
        return chosen;
    }
}
