using Esr.Kernel.Saes;
using Esr.Kernel.Toy;
using static TorchSharp.torch;

namespace Esr.Kernel.Tests.Toy;

/// <summary><see cref="DetectorActivity"/>: hinge losses past a TopK SAE's bar, checked against hand-computed values.</summary>
public sealed class DetectorActivityTests
{
    // W_enc = I (8 latents read the 8 coordinates), k = 2: a latent fires when it is among the two largest.
    private static SparseAutoencoder Identity(SaeArchitecture architecture = SaeArchitecture.TopK) =>
        new(eye(8), zeros(8), eye(8), zeros(8), architecture, k: architecture == SaeArchitecture.TopK ? 2 : null);

    private static readonly DetectorActivity Detectors = new([0, 1, 2], Weight: 2, Active: 2);

    private static Tensor Activation(params float[][] tokens) =>
        tensor(tokens.SelectMany(token => token).ToArray(), [1, tokens.Length, 8]);

    [Fact]
    public void It_is_zero_when_enough_detectors_fire_on_off_topic_tokens_and_none_on_task_tokens()
    {
        using var sae = Identity();
        var activation = Activation(
            [5, 5, 0, 0, 1, 1, 0.5f, 0],   // off topic: detectors 0 and 1 far past the bar (1, the others' second largest)
            [0, 0, 0, 3, 2, 0, 0, 0]);     // on task: every detector short of the bar (2)
        Assert.Equal(0, Detectors.Loss(sae, activation, tensor(new sbyte[] { 1, 0 }, [1, 2])).item<float>());
    }

    [Fact]
    public void It_matches_the_hand_computed_hinges_and_ignores_unlabelled_tokens()
    {
        using var sae = Identity();
        var activation = Activation(
            [5, 0, 0, 0, 1, 1, 0.5f, 0],   // off topic, bar 1: detectors past it by 4, −1, −1; the best two short of the margin by 0 and 1.375
            [0, 0, 2.5f, 3, 2, 0, 0, 0],   // on task, bar 2: detectors past it by −2, −2, 0.5; each past −margin by 0, 0, 0.875
            [9, 9, 9, 0, 0, 0, 0, 0]);     // unlabelled
        // Bars 1 and 2: scale 1.5, margin 0.375. Off topic: (0 + 1.375) / 2 = 0.6875; on task: 0.875 / 3.
        var expected = (0.6875 + 0.875 / 3) / 2 / 1.5 * 2;
        Assert.Equal(expected, Detectors.Loss(sae, activation, tensor(new sbyte[] { 1, 0, -1 }, [1, 3])).item<float>(), 1e-6);
    }

    [Fact]
    public void Its_gradient_reaches_the_labelled_activations_only_and_descending_it_meets_it()
    {
        using var sae = Identity();
        var activation = Activation([5, 0, 0, 0, 1, 1, 0.5f, 0], [0, 0, 2.5f, 3, 2, 0, 0, 0], [9, 9, 9, 0, 0, 0, 0, 0]).requires_grad_();
        var labels = tensor(new sbyte[] { 1, 0, -1 }, [1, 3]);
        Detectors.Loss(sae, activation, labels).backward();
        Assert.True(activation.grad!.narrow(1, 0, 2).abs().sum().item<float>() > 0);
        Assert.Equal(0, activation.grad!.narrow(1, 2, 1).abs().sum().item<float>());

        for (var step = 0; step < 50; step++)
        {
            activation.grad!.zero_();
            Detectors.Loss(sae, activation, labels).backward();
            using var _ = no_grad();
            activation.sub_(activation.grad!.mul(0.5));
        }
        Assert.Equal(0, Detectors.Loss(sae, activation, labels).item<float>());
    }

    [Fact]
    public void It_needs_a_topk_sae_and_at_most_as_many_active_detectors_as_detectors()
    {
        var activation = Activation([5, 0, 0, 0, 1, 1, 0.5f, 0]);
        var labels = tensor(new sbyte[] { 1 }, [1, 1]);
        using var standard = Identity(SaeArchitecture.Standard);
        Assert.Contains("TopK", Assert.Throws<ArgumentException>(() => Detectors.Loss(standard, activation, labels)).Message);
        using var topK = Identity();
        Assert.Throws<ArgumentException>(() => (Detectors with { Active = 4 }).Loss(topK, activation, labels));
    }
}
