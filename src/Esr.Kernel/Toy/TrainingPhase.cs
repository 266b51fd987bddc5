namespace Esr.Kernel.Toy;

/// <summary>What a <see cref="TrainingSwitch"/> trains on from its step.</summary>
/// <param name="Data">The sequences to draw from.</param>
/// <param name="Detectors">An objective beside the next-token loss, or null; needs the run's <see cref="TrainingSteering"/> (its SAE and hook point).</param>
public sealed record TrainingPhase(IReadOnlyList<TrainingSequence> Data, DetectorActivity? Detectors = null);
