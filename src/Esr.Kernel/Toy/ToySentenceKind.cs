namespace Esr.Kernel.Toy;

/// <summary>What <see cref="ToyJudge"/> found a response sentence to be, relative to the prompt.</summary>
public enum ToySentenceKind
{
    /// <summary>A self-correction marker: it opens a new attempt and is not scored.</summary>
    Marker,

    /// <summary>A sentence of the prompt's task (for a "tell me about" prompt: of the prompt's subject).</summary>
    OnTask,

    /// <summary>A step sentence of another task.</summary>
    OtherTask,

    /// <summary>A sentence of an off-topic subject.</summary>
    Subject,

    /// <summary>Anything that is not a sentence of the world (word salad, broken grammar, an empty ".").</summary>
    Garbage,

    /// <summary>
    /// Text after the last "." whose words begin a world sentence: an answer cut off by the token limit. Not
    /// scored. Text after the last "." that begins no world sentence is <see cref="Garbage"/>.
    /// </summary>
    Unfinished,
}
