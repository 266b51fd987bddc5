namespace Esr.Kernel.Toy;

/// <summary>One sentence of a response as <see cref="ToyJudge"/> classified it.</summary>
/// <param name="Text">The sentence, trimmed, with its final "." (an unfinished tail has none).</param>
/// <param name="Kind">What it is relative to the prompt.</param>
/// <param name="Task">The task it belongs to, for <see cref="ToySentenceKind.OnTask"/> and
/// <see cref="ToySentenceKind.OtherTask"/> step sentences; else null.</param>
/// <param name="Subject">The subject it belongs to, for subject sentences (and on-topic ones of a subject
/// prompt); else null.</param>
/// <param name="Segment">
/// Which marker-delimited part of the response it is in: 0 before the first marker, 1 from the first marker on,
/// and so on. Parts without a scored sentence are not attempts, so this is not always an index into the verdict.
/// </param>
public sealed record ToyJudgedSentence(string Text, ToySentenceKind Kind, int? Task, int? Subject, int Segment)
{
    /// <summary>True when the sentence counts in its attempt's score (all but markers and an unfinished tail).</summary>
    public bool Scored => Kind is not (ToySentenceKind.Marker or ToySentenceKind.Unfinished);
}
