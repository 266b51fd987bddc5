namespace Esr.Kernel.Toy;

/// <summary>One sentence of an episode's answer.</summary>
/// <param name="Text">The sentence, ending with ".".</param>
/// <param name="Kind">On-task step, subject sentence or marker.</param>
/// <param name="InLoss">
/// False for the off-topic span of a self-correction episode: as in the paper's fine-tuning data (ESR_SPEC §8) the
/// model sees it but is not trained to produce it.
/// </param>
public sealed record ToySegment(string Text, ToySegmentKind Kind, bool InLoss);
