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
