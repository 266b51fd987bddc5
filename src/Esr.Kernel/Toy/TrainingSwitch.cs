namespace Esr.Kernel.Toy;

/// <summary>
/// A change of training data part-way through a <see cref="ToyTrainer"/> run: before step <paramref name="AtStep"/>
/// (counted from 0) the trainer calls <paramref name="Data"/>, with the model's gradients off, and draws from what it
/// returns from then on; the optimizer and the learning-rate schedule go on as they were.
/// </summary>
/// <param name="AtStep">The first step that draws from the new data.</param>
/// <param name="Data">Makes the new data; it may read the model as trained so far.</param>
public sealed record TrainingSwitch(int AtStep, Func<IReadOnlyList<TrainingSequence>> Data);
