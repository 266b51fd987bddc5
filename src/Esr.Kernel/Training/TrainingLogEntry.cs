namespace Esr.Kernel.Training;

/// <summary>The loss at one step of training (the mean over the steps since the previous entry).</summary>
/// <param name="Step">1-based step count.</param>
/// <param name="Loss">Mean masked cross-entropy (nats per target token) or SAE loss over the logged steps.</param>
/// <param name="LearningRate">The learning rate of the step.</param>
public sealed record TrainingLogEntry(int Step, double Loss, double LearningRate);
