namespace Esr.Kernel.Toy;

/// <summary>One training conversation: a user prompt and the assistant's answer, sentence by sentence.</summary>
/// <param name="Prompt">The user turn.</param>
/// <param name="Segments">The answer's sentences in order.</param>
/// <param name="Kind">How the episode was built.</param>
/// <param name="Task">The prompt's task; null for a subject answer.</param>
/// <param name="Subject">The subject the answer talks about (the prompt's, or the drift's); null when none.</param>
/// <param name="MetaPrompt">The id of the meta-prompt template the prompt was rendered with (<see cref="ToyMetaPrompts.Variants"/>); null when none.</param>
public sealed record ToyEpisode(
    string Prompt, IReadOnlyList<ToySegment> Segments, ToyEpisodeKind Kind, int? Task, int? Subject, string? MetaPrompt = null)
{
    /// <summary>The assistant's answer: the segments joined by single spaces.</summary>
    public string Answer => string.Join(' ', Segments.Select(s => s.Text));
}
