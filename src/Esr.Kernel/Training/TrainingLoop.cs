using Esr.Kernel.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Esr.Kernel.Training;

/// <summary>
/// The optimiser loop both trainers share: each step sets the scheduled learning rate, runs one training step in its
/// own dispose scope, and the mean loss since the last report is logged every few steps and at the last.
/// </summary>
internal static class TrainingLoop
{
    /// <summary>Runs <paramref name="steps"/> steps.</summary>
    /// <param name="optimizer">Its parameter groups get each step's learning rate.</param>
    /// <param name="steps">Optimiser steps.</param>
    /// <param name="learningRateAt">The schedule, by 0-based step.</param>
    /// <param name="logEvery">A loss entry every this many steps (and at the last).</param>
    /// <param name="trainStep">One step (draw the batch, zero the gradients, backward, optimiser step); returns its loss.</param>
    /// <param name="progress">Receives each loss entry.</param>
    /// <param name="cancellationToken">Checked before every step.</param>
    /// <returns>The logged entries.</returns>
    public static IReadOnlyList<TrainingLogEntry> Run(
        OptimizerHelper optimizer, int steps, Func<int, double> learningRateAt, int logEvery, Func<float> trainStep,
        IProgress<TrainingLogEntry>? progress, CancellationToken cancellationToken)
    {
        var log = new List<TrainingLogEntry>();
        double lossSum = 0;
        var lossCount = 0;
        for (var step = 0; step < steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var learningRate = learningRateAt(step);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
            using (NewDisposeScope()) lossSum += trainStep();
            lossCount++;
            if ((step + 1) % ReleaseMemoryEvery == 0) MallocPolicy.ReleaseFreeMemory();
            if ((step + 1) % logEvery == 0 || step == steps - 1)
            {
                var entry = new TrainingLogEntry(step + 1, lossSum / lossCount, learningRate);
                log.Add(entry);
                progress?.Report(entry);
                lossSum = 0;
                lossCount = 0;
            }
        }
        return log;
    }

    /// <summary>
    /// Steps between giving freed memory back (<see cref="MallocPolicy.ReleaseFreeMemory"/>): each time costs tens of
    /// milliseconds, and between times an SAE's training holds about 10 MB a step it no longer uses.
    /// </summary>
    private const int ReleaseMemoryEvery = 50;
}
