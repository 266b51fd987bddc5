using Esr.Kernel.Analysis.Figures;
using Esr.Kernel.Experiments.Detectors;
using Esr.Kernel.Experiments.Episodes;

namespace Esr.Kernel.Experiments.SequentialActivations;

/// <summary>Settings of Experiment 6 (ESR_SPEC §6 Exp 6); defaults are the paper's.</summary>
public sealed record SequentialActivationsOptions
{
    /// <summary>The off-topic detectors read and summed (the paper's 26).</summary>
    public IReadOnlyList<int> OffTopicDetectors { get; init; } = OffTopicDetectorSets.Paper26;

    /// <summary>
    /// Latents plotted on their own and left out of the detector sum: 33044 "Sarcastic backtracking". [QUIRK] The
    /// paper removes 40119 from this list before plotting, so 40119 stays in the sum; it is not listed here.
    /// </summary>
    public IReadOnlyDictionary<int, string> LatentsOfInterest { get; init; } =
        new Dictionary<int, string> { [33044] = "Sarcastic backtracking after provocative statements" };

    /// <summary>A detector enters the sum only when its largest activation exceeds this (0.001).</summary>
    public double SumThreshold { get; init; } = 0.001;

    /// <summary>Read while steering with the example's latent and boost (the paper); false reads unsteered.</summary>
    public bool Steered { get; init; } = true;

    /// <summary>The phrase whose first occurrence gives the heuristic <c>correction_pos</c>.</summary>
    public string CorrectionPhrase { get; init; } = "Wait, I made a mistake";

    /// <summary>The phrase whose first occurrence gives the heuristic <c>on_topic_pos</c>.</summary>
    public string OnTopicPhrase { get; init; } = "In reality";

    /// <summary>
    /// The shaded regions over the whole templated sequence. The paper hard-codes its 70B example's token positions:
    /// user prompt [0, 40), off-topic [40, 268), self-correction [268, 293), on-topic [293, end).
    /// </summary>
    public IReadOnlyList<FigureRegion> Regions { get; init; } =
        [new(TokenRegion.UserPrompt, 0), new(TokenRegion.OffTopic, 40), new(TokenRegion.SelfCorrection, 268), new(TokenRegion.OnTopic, 293)];

    /// <summary>
    /// Where the example's response goes off topic, starts its correction and returns (character positions), e.g. from
    /// the toy world's exact judge (<c>esr experiment 6 --regions toy</c>); when valid, the regions are the example's
    /// own parts instead of <see cref="Regions"/>.
    /// </summary>
    public BoundaryAnnotation? Boundaries { get; init; }
}
