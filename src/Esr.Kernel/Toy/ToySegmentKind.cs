namespace Esr.Kernel.Toy;

/// <summary>What a sentence of an episode's answer is.</summary>
public enum ToySegmentKind
{
    /// <summary>A step sentence of the prompt's task.</summary>
    OnTask,

    /// <summary>A sentence of an off-topic subject (the drift, or a "tell me about" answer).</summary>
    Subject,

    /// <summary>A self-correction marker.</summary>
    Marker,
}
