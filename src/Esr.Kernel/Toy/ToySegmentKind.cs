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

    /// <summary>
    /// Text a model wrote itself, any words (for example its output under steering, as the off-topic span of a
    /// steering-aware self-correction episode); the generator never makes these.
    /// </summary>
    Generated,
}
