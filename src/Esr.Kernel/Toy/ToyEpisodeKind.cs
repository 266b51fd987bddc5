namespace Esr.Kernel.Toy;

/// <summary>The kinds of training episode (see <see cref="ToyMixture"/>).</summary>
public enum ToyEpisodeKind
{
    /// <summary>A task prompt answered with 4-6 of the task's step sentences.</summary>
    Normal,

    /// <summary>A "tell me about" prompt answered with 4-6 of the subject's sentences.</summary>
    SubjectAnswer,

    /// <summary>
    /// A task prompt; 0-2 step sentences; 1-3 subject sentences outside the loss; a marker; a fresh answer of 3-5
    /// step sentences.
    /// </summary>
    SelfCorrection,

    /// <summary>A task prompt; 0-2 step sentences; 2-4 subject sentences, all in the loss, and no return.</summary>
    CoherentDrift,
}
