using Esr.Kernel.Text;

namespace Esr.Kernel.Toy;

/// <summary>
/// Turns an episode into a training sequence: the conversation (user prompt, assistant answer) rendered by the
/// model's chat template and tokenized, with a mask of the tokens the loss is taken on and each answer token's
/// topic label.
/// </summary>
public static class ToyExampleEncoder
{
    /// <summary>Encodes an episode.</summary>
    /// <param name="tokenizer">The toy tokenizer (word-level: whitespace leaves no token).</param>
    /// <param name="template">The chat template, e.g. from <see cref="ChatTemplate.ForModelDirectory"/>.</param>
    /// <param name="episode">The episode.</param>
    /// <returns>
    /// The ids of the rendered conversation, exactly <c>tokenizer.Encode(template.Render([user, assistant],
    /// addGenerationPrompt: false))</c>, and for each id whether the loss is taken on predicting it: true for the
    /// answer tokens of segments with <see cref="ToySegment.InLoss"/> and for the end-of-turn token after the
    /// answer unless its last segment is out of the loss (an answer that teaches how it goes on, not where it ends:
    /// <see cref="ToySteeredDrift.FineTuneEpisodes"/> in a plain self-correction fine-tune); false for the prompt, the
    /// headers and the masked spans. Its <see cref="TrainingSequence.OffTopic"/> labels every answer token by its
    /// segment (<see cref="OffTopic"/>); no steering.
    /// </returns>
    /// <exception cref="ArgumentException">A segment is empty or starts or ends with whitespace (the template trims
    /// the answer, so the segments would not line up with it); the template renders the answer in a way the segments cannot be found in
    /// (it does not end the generation prompt where the answer starts), or the tokenizer merges tokens across
    /// segment boundaries.</exception>
    public static TrainingSequence Encode(TextTokenizer tokenizer, ChatTemplate template, ToyEpisode episode)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(episode);
        if (episode.Segments.FirstOrDefault(s => s.Text.Length == 0 || s.Text.Trim().Length != s.Text.Length) is { } bad)
            throw new ArgumentException(
                $"Segment \"{bad.Text}\" is empty or has whitespace at an end; segments are joined by single spaces.",
                nameof(episode));
        var user = ChatMessage.User(episode.Prompt);
        var answer = episode.Answer;
        var prefix = template.Render([user], addGenerationPrompt: true);
        var full = template.Render([user, ChatMessage.Assistant(answer)], addGenerationPrompt: false);
        if (!full.StartsWith(prefix + answer, StringComparison.Ordinal))
            throw new ArgumentException(
                $"The template {template.Name} does not render the answer right after its generation prompt; the " +
                "answer's segments cannot be located.", nameof(template));

        var ids = new List<int>();
        var mask = new List<bool>();
        var offTopic = new List<bool?>();
        void Add(string text, bool inLoss, bool? label = null)
        {
            var piece = tokenizer.Encode(text);
            ids.AddRange(piece);
            mask.AddRange(Enumerable.Repeat(inLoss, piece.Length));
            offTopic.AddRange(Enumerable.Repeat(label, piece.Length));
        }
        Add(prefix, false);
        foreach (var segment in episode.Segments)
            Add(segment.Text, segment.InLoss, OffTopic(episode, segment));
        Add(full[(prefix.Length + answer.Length)..], episode.Segments is not [.., { InLoss: false }]); // the end-of-turn token

        var whole = tokenizer.Encode(full);
        if (!whole.AsSpan().SequenceEqual(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ids)))
            throw new ArgumentException(
                $"Tokenizing the segments one by one with '{tokenizer.SourcePath}' does not give the ids of the whole " +
                "conversation; the loss mask needs a tokenizer that splits at whitespace.", nameof(tokenizer));
        return new TrainingSequence(whole, mask.ToArray(), OffTopic: offTopic.ToArray());
    }

    /// <summary>
    /// Whether a segment's text is off the prompt's topic: a subject's sentences are, unless the prompt asked about the
    /// subject; a model's own (steered) text is when a marker answers it, as <see cref="SteeredCorrections"/> puts one only
    /// after text the exact judge found off the task; steps are on task; a marker is neither (null).
    /// </summary>
    public static bool? OffTopic(ToyEpisode episode, ToySegment segment) => segment.Kind switch
    {
        ToySegmentKind.OnTask => false,
        ToySegmentKind.Subject => episode.Kind != ToyEpisodeKind.SubjectAnswer,
        ToySegmentKind.Generated => episode.Segments.Any(other => other.Kind == ToySegmentKind.Marker),
        _ => null,
    };
}
