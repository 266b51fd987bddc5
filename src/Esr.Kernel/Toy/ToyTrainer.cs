using Esr.Kernel.Hooks;
using Esr.Kernel.Interventions;
using Esr.Kernel.Models;
using Esr.Kernel.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Esr.Kernel.Toy;

/// <summary>
/// Trains a <see cref="CausalLanguageModel"/> on token sequences with a masked next-token cross-entropy: AdamW,
/// linear warmup and cosine decay, gradient clipping. Batches are drawn with replacement by a seeded generator and
/// padded at the end (padding never counts in the loss), so with a fixed libtorch thread count the same inputs give
/// the same weights bit for bit on the CPU.
/// </summary>
public static class ToyTrainer
{
    /// <summary>The target id cross-entropy ignores: padding and loss-masked tokens.</summary>
    private const long IgnoredTarget = -100;

    /// <summary>Trains <paramref name="model"/> in place (its parameters must track gradients).</summary>
    /// <param name="model">The model; <see cref="CausalLanguageModel.TrackGradients"/> is switched on for the run and off after.</param>
    /// <param name="data">The sequences to draw from.</param>
    /// <param name="settings">Steps, batch, learning rate schedule, seed.</param>
    /// <param name="steering">Where the sequences' steering applies; required when any sequence has steering.</param>
    /// <param name="progress">Receives a loss entry every <see cref="TrainingSettings.LogEvery"/> steps.</param>
    /// <param name="cancellationToken">Checked between steps.</param>
    /// <param name="change">When set, the data is replaced part-way through (and a detector objective may start).</param>
    /// <returns>The logged losses.</returns>
    public static IReadOnlyList<TrainingLogEntry> Train(
        CausalLanguageModel model,
        IReadOnlyList<TrainingSequence> data,
        TrainingSettings settings,
        TrainingSteering? steering = null,
        IProgress<TrainingLogEntry>? progress = null,
        CancellationToken cancellationToken = default,
        TrainingSwitch? change = null)
    {
        settings.Validate();
        Check(data, model.Config.VocabularySize, steering);
        var random = new Random(settings.Seed);
        var step = 0;
        DetectorActivity? detectors = null;
        model.TrackGradients(true);
        try
        {
            using var optimizer = optim.AdamW(model.parameters(), settings.LearningRate, weight_decay: settings.WeightDecay);
            return TrainingLoop.Run(optimizer, settings.Steps, settings.LearningRateAt, settings.LogEvery, () =>
            {
                if (change is not null && step++ == change.AtStep)
                {
                    model.TrackGradients(false);
                    (data, detectors) = change.Next();
                    Check(data, model.Config.VocabularySize, steering);
                    if (detectors is not null && steering is null)
                        throw new ArgumentException("a detector objective needs a TrainingSteering (the SAE and hook point it reads)", nameof(steering));
                    model.TrackGradients(true);
                }
                var batch = Enumerable.Range(0, settings.BatchSize).Select(_ => data[random.Next(data.Count)]).ToArray();
                optimizer.zero_grad();
                var loss = BatchLoss(model, batch, steering, detectors);
                loss.backward();
                nn.utils.clip_grad_norm_(model.parameters(), settings.GradientClip);
                optimizer.step();
                return loss.item<float>();
            }, progress, cancellationToken);
        }
        finally
        {
            model.TrackGradients(false);
        }
    }

    /// <summary>The mean masked cross-entropy of the model on sequences, without training (no gradients).</summary>
    public static double Evaluate(CausalLanguageModel model, IReadOnlyList<TrainingSequence> data, int batchSize = 64, TrainingSteering? steering = null)
    {
        Check(data, model.Config.VocabularySize, steering);
        double weightedSum = 0;
        long targets = 0;
        for (var start = 0; start < data.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var batch = data.Skip(start).Take(batchSize).ToArray();
            var count = batch.Sum(sequence => sequence.LossMask.Skip(1).Count(counted => counted));
            weightedSum += BatchLoss(model, batch, steering).item<float>() * count;
            targets += count;
        }
        return weightedSum / Math.Max(1, targets);
    }

    /// <summary>
    /// Mean cross-entropy over the loss-masked targets of one batch, plus the detector objective on the activation at
    /// the steering point after the steering (what a readout of the steered model sees: the toy world's detector
    /// discovery and Figure 6 read there), attached to the graph. Read before the steering instead, it cost the steered
    /// text more for the same detector activity (docs/TOY_WORLD.md, "Detectors that fire").
    /// </summary>
    private static Tensor BatchLoss(CausalLanguageModel model, IReadOnlyList<TrainingSequence> batch, TrainingSteering? steering, DetectorActivity? detectors = null)
    {
        var (ids, targets) = Padded(batch);
        var hooks = new ActivationHooks();
        InterventionHook? hook = null;
        if (steering is not null && batch.Any(sequence => sequence.Steering is { Count: > 0 }))
        {
            hook = InterventionHook.PerRow(steering.Sae, batch.Select(sequence => sequence.Steering).ToArray());
            hooks.Add(steering.Point, hook);
        }
        var read = detectors is null ? null : new ActivationCapture();
        if (read is not null) hooks.Add(steering!.Point, read);
        try
        {
            var logits = model.ForwardWithGradients(ids, hooks.Points.Any() ? hooks : null); // [B, T, V]
            var vocabulary = logits.shape[2];
            var predicted = logits.narrow(1, 0, logits.shape[1] - 1).reshape(-1, vocabulary);
            var loss = nn.functional.cross_entropy(predicted, targets.reshape(-1), ignore_index: IgnoredTarget);
            return read is null ? loss : loss.add(detectors!.Loss(steering!.Sae, read.Activation!, OffTopicLabels(batch, (int)ids.shape[1])));
        }
        finally
        {
            hook?.Dispose();
            read?.Dispose();
        }
    }

    /// <summary>[B, T] int8 topic labels padded like the ids: 1 off topic, 0 on task, −1 unlabelled (and every token of a row without labels).</summary>
    private static Tensor OffTopicLabels(IReadOnlyList<TrainingSequence> batch, int length)
    {
        var labels = new sbyte[batch.Count * length];
        Array.Fill(labels, (sbyte)-1);
        for (var row = 0; row < batch.Count; row++)
        {
            if (batch[row].OffTopic is not { } offTopic) continue;
            for (var i = 0; i < offTopic.Length; i++)
                if (offTopic[i] is { } label) labels[row * length + i] = label ? (sbyte)1 : (sbyte)0;
        }
        return tensor(labels, [batch.Count, (long)length]);
    }

    /// <summary>Ids [B, T] padded at the end with 0, and next-token targets [B, T−1] with ignored entries.</summary>
    private static (Tensor Ids, Tensor Targets) Padded(IReadOnlyList<TrainingSequence> batch)
    {
        var length = batch.Max(sequence => sequence.Ids.Length);
        var ids = new long[batch.Count * length];
        var targets = new long[batch.Count * (length - 1)];
        Array.Fill(targets, IgnoredTarget);
        for (var row = 0; row < batch.Count; row++)
        {
            var sequence = batch[row];
            for (var i = 0; i < sequence.Ids.Length; i++) ids[row * length + i] = sequence.Ids[i];
            for (var i = 1; i < sequence.Ids.Length; i++)
            {
                if (sequence.LossMask[i]) targets[row * (length - 1) + i - 1] = sequence.Ids[i];
            }
        }
        return (tensor(ids, [batch.Count, (long)length]), tensor(targets, [batch.Count, (long)length - 1]));
    }

    private static void Check(IReadOnlyList<TrainingSequence> data, int vocabulary, TrainingSteering? steering)
    {
        if (data.Count == 0) throw new ArgumentException("no training sequences", nameof(data));
        for (var index = 0; index < data.Count; index++)
        {
            var sequence = data[index];
            if (sequence.Ids.Length < 2) throw new ArgumentException($"sequence {index} has {sequence.Ids.Length} tokens (at least 2 needed)", nameof(data));
            if (sequence.LossMask.Length != sequence.Ids.Length)
                throw new ArgumentException($"sequence {index} has {sequence.Ids.Length} ids but a loss mask of {sequence.LossMask.Length}", nameof(data));
            if (sequence.Ids.Any(id => id < 0 || id >= vocabulary))
                throw new ArgumentException($"sequence {index} has a token id outside the vocabulary [0, {vocabulary})", nameof(data));
            if (sequence.OffTopic is { } labels && labels.Length != sequence.Ids.Length)
                throw new ArgumentException($"sequence {index} has {sequence.Ids.Length} ids but {labels.Length} topic labels", nameof(data));
            if (sequence.Steering is { Count: > 0 } && steering is null)
                throw new ArgumentException($"sequence {index} asks for steering but no TrainingSteering (SAE and hook point) was given", nameof(steering));
        }
    }
}
