namespace Esr.Kernel.Toy;

/// <summary>A response split into sentences and classified against its prompt's topic.</summary>
/// <param name="Task">The task the prompt asks about, or null for a subject prompt.</param>
/// <param name="Subject">The subject a "tell me about" prompt asks about, or null for a task prompt.</param>
/// <param name="Sentences">The response's sentences in order.</param>
public sealed record ToyClassification(int? Task, int? Subject, IReadOnlyList<ToyJudgedSentence> Sentences)
{
    /// <summary>How many sentences are of a kind.</summary>
    public int Count(ToySentenceKind kind) => Sentences.Count(s => s.Kind == kind);

    /// <summary>
    /// The attempts: the marker-delimited parts that hold at least one scored sentence, each with its sentences
    /// (the opening marker included).
    /// </summary>
    public IReadOnlyList<IReadOnlyList<ToyJudgedSentence>> Attempts =>
        Sentences.GroupBy(s => s.Segment).Select(g => (IReadOnlyList<ToyJudgedSentence>)g.ToArray())
            .Where(part => part.Any(s => s.Scored)).ToArray();

    /// <summary>Where each sentence begins in <paramref name="response"/>, the text it was classified from.</summary>
    public IReadOnlyList<int> SentenceStarts(string response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var starts = new int[Sentences.Count];
        for (int i = 0, cursor = 0; i < Sentences.Count; i++)
        {
            starts[i] = response.IndexOf(Sentences[i].Text, cursor, StringComparison.Ordinal);
            cursor = starts[i] + Sentences[i].Text.Length;
        }
        return starts;
    }

    /// <summary>100 × the share of on-task sentences among an attempt's scored sentences.</summary>
    public static double Score(IReadOnlyList<ToyJudgedSentence> attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var scored = attempt.Count(s => s.Scored);
        if (scored == 0)
            throw new ArgumentException("The attempt has no scored sentence.", nameof(attempt));
        return 100.0 * attempt.Count(s => s.Kind == ToySentenceKind.OnTask) / scored;
    }
}
