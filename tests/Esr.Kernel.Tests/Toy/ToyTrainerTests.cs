using Esr.Kernel.Hooks;
using Esr.Kernel.Interventions;
using Esr.Kernel.Models;
using Esr.Kernel.Saes;
using Esr.Kernel.Toy;
using Esr.Kernel.Training;
using Esr.Kernel.Tests.Models;
using static TorchSharp.torch;

namespace Esr.Kernel.Tests.Toy;

public sealed class ToyTrainerTests
{
    private static readonly TrainingSettings Short = new(Steps: 40, BatchSize: 16, LearningRate: 1e-2, WarmupSteps: 5, Seed: 7, LogEvery: 10);

    [Fact]
    public void Training_a_miniature_model_lowers_its_loss()
    {
        var data = MiniatureWorld.Sequences(200, seed: 1);
        using var model = CausalLanguageModel.Create(MiniatureWorld.Config, seed: 3);
        var before = ToyTrainer.Evaluate(model, data);
        var log = ToyTrainer.Train(model, data, Short);
        var after = ToyTrainer.Evaluate(model, data);
        Assert.Equal([10, 20, 30, 40], log.Select(entry => entry.Step));
        Assert.InRange(before, Math.Log(MiniatureWorld.Vocabulary) - 0.3, Math.Log(MiniatureWorld.Vocabulary) + 0.3);
        Assert.True(after < before * 0.6, $"loss {before:F3} -> {after:F3}");
    }

    [Fact]
    public void The_same_seed_gives_the_same_weights()
    {
        var data = MiniatureWorld.Sequences(50, seed: 2);
        var settings = Short with { Steps = 4, WarmupSteps = 1 };
        using var first = CausalLanguageModel.Create(MiniatureWorld.Config, seed: 5);
        using var second = CausalLanguageModel.Create(MiniatureWorld.Config, seed: 5);
        ToyTrainer.Train(first, data, settings);
        ToyTrainer.Train(second, data, settings);
        foreach (var ((name, a), (_, b)) in first.Weights().Zip(second.Weights()))
            Assert.True(a.eq(b).all().item<bool>(), $"{name} differs");
        using var other = CausalLanguageModel.Create(MiniatureWorld.Config, seed: 5);
        ToyTrainer.Train(other, data, settings with { Seed = 8 });
        Assert.False(first.Weights().First().Destination.eq(other.Weights().First().Destination).all().item<bool>());
    }

    [Fact]
    public void A_data_switch_is_made_once_before_its_step_with_gradients_off_and_training_goes_on_with_the_new_data()
    {
        var before = MiniatureWorld.Sequences(50, seed: 2);
        var after = MiniatureWorld.Sequences(50, seed: 3);
        var settings = Short with { Steps = 6, WarmupSteps = 1 };
        using var same = CausalLanguageModel.Create(MiniatureWorld.Config, seed: 5);
        using var plain = CausalLanguageModel.Create(MiniatureWorld.Config, seed: 5);
        using var switched = CausalLanguageModel.Create(MiniatureWorld.Config, seed: 5);
        var calls = new List<bool>();
        ToyTrainer.Train(same, before, settings, change: new TrainingSwitch(3, () =>
        {
            calls.Add(same.Weights().First().Destination.requires_grad);
            return new TrainingPhase(before);
        }));
        ToyTrainer.Train(plain, before, settings);
        ToyTrainer.Train(switched, before, settings, change: new TrainingSwitch(3, () => new TrainingPhase(after)));

        Assert.Equal([false], calls);
        // Switching to the same data changes nothing (the optimizer and the schedule go on); other data does.
        foreach (var ((name, a), (_, b)) in same.Weights().Zip(plain.Weights()))
            Assert.True(a.eq(b).all().item<bool>(), $"{name} differs");
        Assert.False(switched.Weights().First().Destination.eq(plain.Weights().First().Destination).all().item<bool>());
    }

    [Fact]
    public void Loss_masked_tokens_do_not_train_the_model()
    {
        var data = MiniatureWorld.Sequences(20, seed: 4);
        var unmasked = data.Select(sequence => sequence with { LossMask = sequence.LossMask.Select((_, i) => i == 1).ToArray() }).ToArray();
        var perturbed = unmasked.Select(sequence => sequence with { Ids = sequence.Ids.Select((id, i) => i >= 2 ? (id + 5) % MiniatureWorld.Vocabulary : id).ToArray() }).ToArray();
        using var first = CausalLanguageModel.Create(MiniatureWorld.Config, seed: 9);
        using var second = CausalLanguageModel.Create(MiniatureWorld.Config, seed: 9);
        var settings = Short with { Steps = 2, WarmupSteps = 1 };
        ToyTrainer.Train(first, unmasked, settings);
        ToyTrainer.Train(second, perturbed, settings);
        // Only the second token is a target; what follows it can change nothing (causal attention, no loss there).
        foreach (var ((name, a), (_, b)) in first.Weights().Zip(second.Weights()))
            Assert.True(a.eq(b).all().item<bool>(), $"{name} differs");
    }

    [Fact]
    public void Steering_in_the_forward_pass_changes_what_is_learned_and_a_zero_boost_changes_nothing()
    {
        var data = MiniatureWorld.Sequences(20, seed: 6);
        using var sae = new SparseAutoencoder(randn(32, 8), zeros(8), randn(8, 32), zeros(32), SaeArchitecture.Standard);
        var steering = new TrainingSteering(sae, HookPoint.ResidPost(0));
        IReadOnlyList<Intervention> push = [new AddLatent(3, 5f)];
        var settings = Short with { Steps = 2, WarmupSteps = 1 };
        Tensor[] Trained(IReadOnlyList<TrainingSequence> sequences)
        {
            using var model = CausalLanguageModel.Create(MiniatureWorld.Config, seed: 12);
            ToyTrainer.Train(model, sequences, settings, steering);
            return model.Weights().Select(weight => weight.Destination.clone()).ToArray();
        }
        var plain = Trained(data);
        IReadOnlyList<Intervention> none = [new AddLatent(3, 0f)];
        var steeredNowhere = Trained(data.Select(sequence => sequence with { Steering = none }).ToArray());
        var steeredEverywhere = Trained(data.Select(sequence => sequence with { Steering = push }).ToArray());
        Assert.All(plain.Zip(steeredNowhere), pair => Assert.True(pair.First.eq(pair.Second).all().item<bool>()));
        Assert.False(plain[0].eq(steeredEverywhere[0]).all().item<bool>());
    }

    [Fact]
    public void A_detector_objective_from_a_switch_makes_its_detectors_fire_on_off_topic_tokens_and_not_on_task_tokens()
    {
        var data = MiniatureWorld.Sequences(100, seed: 8).Select(Labelled).ToArray();
        using var sae = DetectorSae();
        double Objective(CausalLanguageModel model) => DetectorObjective(model, sae, data[..40], read => new ActivationHooks().Add(DetectorPoint, read));
        var settings = Short with { Steps = 30, WarmupSteps = 1 };
        using var plain = CausalLanguageModel.Create(MiniatureWorld.Config, seed: 4);
        using var trained = CausalLanguageModel.Create(MiniatureWorld.Config, seed: 4);
        var before = Objective(trained);
        ToyTrainer.Train(plain, data, settings, new TrainingSteering(sae, DetectorPoint));
        ToyTrainer.Train(trained, data, settings, new TrainingSteering(sae, DetectorPoint), change: new TrainingSwitch(0, () => new TrainingPhase(data, Detectors)));
        Assert.True(Objective(trained) < 0.2 * before, $"objective {before:F3} -> {Objective(trained):F3}");
        Assert.True(Objective(plain) > 0.5 * before, $"without it {before:F3} -> {Objective(plain):F3}");
        Assert.Throws<ArgumentException>(() => ToyTrainer.Train(plain, data, settings, change: new TrainingSwitch(0, () => new TrainingPhase(data, Detectors))));
    }

    [Fact]
    public void The_detector_objective_reads_the_activation_after_the_steering()
    {
        // One sequence, steered hard along latent 2's decoder row: detector 2 passes the bar on every token once the
        // steering is in the activation, so the on-task hinge differs between a read after the steering and one before.
        using var sae = DetectorSae();
        IReadOnlyList<Intervention> push = [new AddLatent(2, 20f)];
        var sequence = Labelled(MiniatureWorld.Sequences(1, seed: 9)[0]) with { Steering = push };
        using var model = CausalLanguageModel.Create(MiniatureWorld.Config, seed: 4);
        using var steer = InterventionHook.PerRow(sae, [push]);
        var after = DetectorObjective(model, sae, [sequence], read => new ActivationHooks().Add(DetectorPoint, steer).Add(DetectorPoint, read));
        var before = DetectorObjective(model, sae, [sequence], read => new ActivationHooks().Add(DetectorPoint, read).Add(DetectorPoint, steer));
        var steering = new TrainingSteering(sae, DetectorPoint);
        var nextToken = ToyTrainer.Evaluate(model, [sequence], steering: steering);

        // The first logged loss is the first batch's (the one sequence) on the initial weights, before the step.
        var logged = ToyTrainer.Train(model, [sequence], new TrainingSettings(Steps: 1, BatchSize: 1, LearningRate: 1e-3, WarmupSteps: 0, Seed: 0, LogEvery: 1),
            steering, change: new TrainingSwitch(0, () => new TrainingPhase([sequence], Detectors)))[0].Loss;

        Assert.True(Math.Abs(after - before) > 0.1, $"the steering should move the detector objective: after {after:F4}, before {before:F4}");
        Assert.Equal(nextToken + after, logged, 3);
    }

    [Fact]
    public void A_saved_model_loads_back_with_the_same_logits()
    {
        using var directory = new TemporaryDirectory();
        using var model = CausalLanguageModel.Create(MiniatureWorld.Config, seed: 11);
        ToyTrainer.Train(model, MiniatureWorld.Sequences(30, seed: 5), Short with { Steps = 3, WarmupSteps = 1 });
        model.Save(directory.File("f32"), ScalarType.Float32);
        model.Save(directory.File("bf16"), ScalarType.BFloat16);
        using var exact = CausalLanguageModel.Load(directory.File("f32"));
        using var rounded = CausalLanguageModel.Load(directory.File("bf16"));
        foreach (var ((name, original), (_, loaded)) in model.Weights().Zip(exact.Weights()))
            Assert.True(original.eq(loaded).all().item<bool>(), $"{name} differs after a float32 round trip");
        foreach (var ((name, original), (_, loaded)) in model.Weights().Zip(rounded.Weights()))
            Assert.True(original.to_type(ScalarType.BFloat16).to_type(ScalarType.Float32).eq(loaded).all().item<bool>(), $"{name} is not the bfloat16 rounding");
        int[] tokens = [1, 5, 6, 7, 8];
        Assert.Equal(model.Logits(tokens), exact.Logits(tokens));
        Assert.Equal("bfloat16", ModelConfig.Load(directory.File("bf16")).DeclaredDtype);
    }

    [Fact]
    public void Warmup_rises_linearly_and_cosine_ends_at_the_final_fraction()
    {
        var settings = new TrainingSettings(Steps: 11, BatchSize: 1, LearningRate: 1.0, WarmupSteps: 2, Seed: 0, FinalLearningRateFraction: 0.1);
        Assert.Equal(0.5, settings.LearningRateAt(0), 12);
        Assert.Equal(1.0, settings.LearningRateAt(1), 12);
        Assert.Equal(1.0, settings.LearningRateAt(2), 12);
        Assert.Equal(0.55, settings.LearningRateAt(6), 12); // halfway through the decay: 0.1 + 0.9 · 0.5
        Assert.Equal(0.1, settings.LearningRateAt(10), 12);
    }

    /// <summary>Where the detector tests' SAE reads, and their detectors: three latents of <see cref="DetectorSae"/>, two of them to fire.</summary>
    private static readonly HookPoint DetectorPoint = HookPoint.ResidPost(0);

    private static readonly DetectorActivity Detectors = new([2, 7, 11], Weight: 1, Active: 2);

    /// <summary>A random TopK SAE over the miniature model's width.</summary>
    private static SparseAutoencoder DetectorSae() =>
        new(randn(32, 16, generator: manual_seed(1)), zeros(16), randn(16, 32, generator: manual_seed(2)), zeros(32), SaeArchitecture.TopK, k: 4);

    /// <summary>The miniature world's tokens 4-13 labelled on task, 14-23 off topic, the rest unlabelled.</summary>
    private static TrainingSequence Labelled(TrainingSequence sequence) =>
        sequence with { OffTopic = sequence.Ids.Select(id => id >= 4 ? id >= 14 : (bool?)null).ToArray() };

    /// <summary><see cref="Detectors"/>' objective on a batch (padded with id 0, unlabelled), read by the capture the hooks place.</summary>
    private static double DetectorObjective(CausalLanguageModel model, SparseAutoencoder sae, IReadOnlyList<TrainingSequence> batch, Func<ActivationCapture, ActivationHooks> hooks)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var read = new ActivationCapture();
        var length = batch.Max(sequence => sequence.Ids.Length);
        var ids = tensor(batch.SelectMany(sequence => sequence.Ids.Select(id => (long)id).Concat(Enumerable.Repeat(0L, length - sequence.Ids.Length))).ToArray(), [batch.Count, (long)length]);
        var labels = tensor(batch.SelectMany(sequence => sequence.OffTopic!.Select(label => label is { } l ? (sbyte)(l ? 1 : 0) : (sbyte)-1)
            .Concat(Enumerable.Repeat((sbyte)-1, length - sequence.Ids.Length))).ToArray(), [batch.Count, (long)length]);
        model.ForwardWithGradients(ids, hooks(read));
        return Detectors.Loss(sae, read.Activation!, labels).item<float>();
    }
}
