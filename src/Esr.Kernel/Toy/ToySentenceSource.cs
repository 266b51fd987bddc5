namespace Esr.Kernel.Toy;

/// <summary>What a sentence of the toy world belongs to.</summary>
public enum ToySentenceSource
{
    /// <summary>A step sentence of a task.</summary>
    Task,

    /// <summary>A sentence of an off-topic subject.</summary>
    Subject,

    /// <summary>A self-correction marker.</summary>
    Marker,
}
