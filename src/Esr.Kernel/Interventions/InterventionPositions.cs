namespace Esr.Kernel.Interventions;

/// <summary>Which tokens an intervention edits.</summary>
public enum InterventionPositions
{
    /// <summary>Every position of every forward pass: all prompt tokens in the prefill, then each new token (the paper).</summary>
    Every,

    /// <summary>Only the decoding steps, i.e. the positions of generated tokens; the prompt is left as it is.</summary>
    GeneratedOnly,
}
