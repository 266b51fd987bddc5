using System.Text;
using Esr.Kernel.Experiments.Episodes;

namespace Esr.Kernel.Toy;

/// <summary>
/// Experiment 9's boundaries from the exact judge instead of an LLM: the toy world knows each sentence, so the
/// off-topic part starts at the first answer sentence that is not the prompt's, the correction at the first marker
/// after it, and the return at the first on-topic sentence after that. An episode without all three is invalid.
/// </summary>
public sealed class ToyBoundaryAnnotator : IBoundaryAnnotator
{
    /// <summary>The <c>--annotator</c> value that picks it.</summary>
    public const string Name = "toy";

    private readonly ToyJudge _judge;

    /// <summary>Annotates with the exact judge of a world (the default world when null).</summary>
    public ToyBoundaryAnnotator(ToyWorld? world = null) => _judge = new ToyJudge(world);

    /// <inheritdoc />
    public Task<IReadOnlyList<BoundaryAnnotation>> AnnotateAsync(IReadOnlyList<Episode> episodes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        return Task.FromResult<IReadOnlyList<BoundaryAnnotation>>(episodes.Select(episode =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Annotate(episode.Trial.Prompt, episode.Trial.Response);
        }).ToArray());
    }

    /// <summary>The boundaries of one response to one prompt.</summary>
    public BoundaryAnnotation Annotate(string prompt, string response)
    {
        ToyClassification classification;
        try
        {
            classification = _judge.Classify(prompt, response);
        }
        catch (ArgumentException e)
        {
            return BoundaryAnnotation.Failed(null, e.Message);
        }
        var sentences = classification.Sentences;
        var starts = classification.SentenceStarts(response);
        var raw = new StringBuilder();
        for (var i = 0; i < sentences.Count; i++) raw.Append(starts[i]).Append(' ').Append(sentences[i].Kind).Append('\n');
        var off = Find(0, s => s.Scored && s.Kind != ToySentenceKind.OnTask);
        var correction = off < 0 ? -1 : Find(off + 1, s => s.Kind == ToySentenceKind.Marker);
        var back = correction < 0 ? -1 : Find(correction + 1, s => s.Kind == ToySentenceKind.OnTask);
        if (back < 0)
            return BoundaryAnnotation.Failed(raw.ToString(), off < 0 ? "the exact judge found no off-topic sentence"
                : correction < 0 ? "the exact judge found no marker after the off-topic part" : "the exact judge found no on-topic sentence after the marker");
        return new BoundaryAnnotation(starts[off], starts[correction], starts[back], sentences[correction].Text,
            $"exact judge: {sentences[off].Kind} from sentence {off + 1}", Valid: true, raw.ToString(), null);

        int Find(int from, Func<ToyJudgedSentence, bool> what)
        {
            for (var i = from; i < sentences.Count; i++)
                if (what(sentences[i])) return i;
            return -1;
        }
    }
}
