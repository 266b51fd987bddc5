namespace Esr.Kernel.Toy;

/// <summary>
/// A change of training part-way through a <see cref="ToyTrainer"/> run: before step <paramref name="AtStep"/>
/// (counted from 0) the trainer calls <paramref name="Next"/>, with the model's gradients off, and draws from the data
/// it returns from then on, with its detector objective if it has one; the optimizer and the learning-rate schedule go
/// on as they were.
/// </summary>
/// <param name="AtStep">The first step of the new phase.</param>
/// <param name="Next">Makes the new phase; it may read the model as trained so far.</param>
public sealed record TrainingSwitch(int AtStep, Func<TrainingPhase> Next);

/// <summary>What a <see cref="TrainingSwitch"/> trains on from its step.</summary>
/// <param name="Data">The sequences to draw from.</param>
/// <param name="Detectors">An objective beside the next-token loss, or null; needs the run's <see cref="TrainingSteering"/> (its SAE and hook point).</param>
public sealed record TrainingPhase(IReadOnlyList<TrainingSequence> Data, DetectorActivity? Detectors = null);
