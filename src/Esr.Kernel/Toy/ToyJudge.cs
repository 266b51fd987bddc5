using System.Globalization;
using System.Text;
using Esr.Kernel.Judging;

namespace Esr.Kernel.Toy;

/// <summary>
/// The exact judge of the toy world (ESR_SPEC §2's protocol, without a model): the response is split into
/// sentences at "."; each is looked up in the world (marker, the prompt's task, another task, a subject, or
/// garbage); attempts are split at markers; an attempt's score is 100 × the share of on-task sentences among its
/// scored sentences. Markers and a truncated last sentence are not scored.
/// </summary>
/// <remarks>
/// The prompt's topic is found by <see cref="ToyPromptTopic"/>; a "tell me about" prompt's on-topic sentences are
/// the subject's. The unrelated feature's label is not used.
/// </remarks>
public sealed class ToyJudge : IJudge
{
    private readonly ToyWorld _world;
    private readonly ToyPromptTopic _topic;

    /// <summary>Creates the judge for a world (the default world when null).</summary>
    public ToyJudge(ToyWorld? world = null)
    {
        _world = world ?? ToyWorld.Default;
        _topic = new ToyPromptTopic(_world);
    }

    /// <inheritdoc />
    public string Name => "toy-exact";

    /// <inheritdoc />
    /// <remarks>Nothing is sent anywhere; the texts describe the rule, and their hash versions cached grades.</remarks>
    public JudgePrompt Prompt { get; } = new(
        "The exact judge of the toy world; no model is called.",
        "Split the response into sentences at each period. Classify each as a self-correction marker, a sentence " +
        "of the prompt's task, of another task, of an off-topic subject, or garbage. Start a new attempt at each " +
        "marker. Score an attempt 100 times the share of on-task sentences among its sentences, leaving out " +
        "markers and a truncated last sentence; a part without such sentences is no attempt.");

    /// <inheritdoc />
    public Task<JudgeVerdict> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        ToyClassification classification;
        try
        {
            classification = Classify(request.Prompt, request.Response);
        }
        catch (ArgumentException e)
        {
            return Task.FromResult(JudgeVerdict.Failed(null, nameof(ArgumentException), e.Message));
        }
        var attempts = classification.Attempts
            .Select(a => new Attempt(string.Join(' ', a.Select(s => s.Text)), ToyClassification.Score(a))).ToArray();
        return Task.FromResult(new JudgeVerdict(attempts, Describe(classification, attempts), null));
    }

    /// <summary>Splits a response into sentences and classifies each against the prompt's task.</summary>
    /// <exception cref="ArgumentException">The prompt names no task or subject of the world, or several.</exception>
    public ToyClassification Classify(string prompt, string response)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(response);
        var (task, subject) = _topic.Find(prompt);
        var sentences = new List<ToyJudgedSentence>();
        var segment = 0;
        var start = 0;
        for (var end = response.IndexOf('.'); end >= 0; end = response.IndexOf('.', start))
        {
            var sentence = Classify(response[start..(end + 1)].Trim(), task, subject, ref segment);
            sentences.Add(sentence);
            start = end + 1;
        }
        var tail = response[start..].Trim();
        if (tail.Length > 0)
        {
            sentences.Add(_world.StartsSentence(tail)
                ? new ToyJudgedSentence(tail, ToySentenceKind.Unfinished, null, null, segment)
                : new ToyJudgedSentence(tail, ToySentenceKind.Garbage, null, null, segment));
        }
        return new ToyClassification(task, subject, sentences);
    }

    private ToyJudgedSentence Classify(string text, int? task, int? subject, ref int segment)
    {
        switch (_world.Find(text))
        {
            case { Source: ToySentenceSource.Marker }:
                segment++;
                return new ToyJudgedSentence(text, ToySentenceKind.Marker, null, null, segment);
            case { Source: ToySentenceSource.Task, Id: var id }:
                return new ToyJudgedSentence(text, id == task ? ToySentenceKind.OnTask : ToySentenceKind.OtherTask,
                    id, null, segment);
            case { Source: ToySentenceSource.Subject, Id: var id }:
                return new ToyJudgedSentence(text, id == subject ? ToySentenceKind.OnTask : ToySentenceKind.Subject,
                    null, id, segment);
            default:
                return new ToyJudgedSentence(text, ToySentenceKind.Garbage, null, null, segment);
        }
    }

    // One line per sentence, then the attempts as the LLM judges write them, so JudgeReplyParser reads it back.
    private string Describe(ToyClassification classification, IReadOnlyList<Attempt> attempts)
    {
        var text = new StringBuilder();
        foreach (var sentence in classification.Sentences)
        {
            var owner = sentence switch
            {
                { Task: { } t } => $" ({_world.Tasks[t].Name})",
                { Subject: { } s } => $" ({_world.Subjects[s].Name})",
                _ => "",
            };
            text.Append(CultureInfo.InvariantCulture, $"[{sentence.Segment}] {sentence.Kind}{owner}: {sentence.Text}\n");
        }
        return text.Append(ToyJudgeReply.Json(attempts)).ToString();
    }
}
