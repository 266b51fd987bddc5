using Esr.Kernel.Saes;
using static TorchSharp.torch;

namespace Esr.Kernel.Toy;

/// <summary>
/// A training objective beside the next-token loss that makes a set of SAE latents off-topic detectors: on every
/// token labelled off topic (<see cref="TrainingSequence.OffTopic"/>) at least <paramref name="Active"/> of them fire,
/// and on every token labelled on task none does, each by a margin. "Fire" is the TopK SAE's own rule: a
/// pre-activation above the k-th largest of the other latents' (the bar a detector must pass to be among the k that
/// survive). The model learns to write its residual so; the SAE stays as it is.
/// </summary>
/// <param name="Latents">The detectors.</param>
/// <param name="Weight">The objective's weight against the mean next-token cross-entropy.</param>
/// <param name="Active">How many detectors each off-topic token must fire (at most <paramref name="Latents"/>.Count).</param>
public sealed record DetectorActivity(IReadOnlyList<int> Latents, double Weight, int Active)
{
    /// <summary>The margin past the bar, as a share of the mean bar of the tokens read (TopK).</summary>
    private const double Margin = 0.25;

    /// <summary>
    /// The objective on one batch, attached to the graph: hinge losses on the detectors' pre-activations past the bar,
    /// divided by the mean bar (so the weight does not depend on the SAE's scale); 0 when no token is labelled.
    /// </summary>
    /// <param name="sae">The TopK SAE whose latents are the detectors.</param>
    /// <param name="activation">The activation it reads, [B, T, d], attached to the model's graph.</param>
    /// <param name="offTopic">[B, T] int8: 1 off topic, 0 on task, −1 unlabelled.</param>
    /// <exception cref="ArgumentException">The SAE is not TopK, or <see cref="Active"/> is not between 1 and the number of detectors.</exception>
    public Tensor Loss(SparseAutoencoder sae, Tensor activation, Tensor offTopic)
    {
        if (sae.Architecture != SaeArchitecture.TopK) throw new ArgumentException($"detector activity needs a TopK SAE; {sae.Source} is {sae.Architecture}", nameof(sae));
        if (Active < 1 || Active > Latents.Count) throw new ArgumentException($"Active must be between 1 and the {Latents.Count} detectors, got {Active}", nameof(Active));
        var labels = offTopic.reshape(-1);
        var labelled = labels.ge(0).nonzero().squeeze(1);
        if (labelled.shape[0] == 0) return zeros(1, device: activation.device).squeeze();
        var pre = sae.PreActivations(activation.reshape(-1, activation.shape[2]).index_select(0, labelled)).to_type(ScalarType.Float32);
        var index = tensor(Latents.Select(latent => (long)latent).ToArray(), device: activation.device);
        var bar = pre.detach().index_fill(1, index, double.NegativeInfinity).topk(sae.K!.Value, dim: 1).values.narrow(1, sae.K.Value - 1, 1).clamp_min(0); // [N, 1]
        var past = pre.index_select(1, index).sub(bar); // [N, latents]: how far each detector is past firing
        var scale = bar.mean().clamp_min(1e-6);
        var margin = scale.mul(Margin);
        var isOffTopic = labels.index_select(0, labelled).eq(1);
        // Off topic: the Active best detectors past the bar by the margin; on task: every detector short of it by the margin.
        var shortfall = margin.sub(past.topk(Active, dim: 1).values).relu().mean(dimensions: [1]);
        var excess = past.add(margin).relu().mean(dimensions: [1]);
        var perToken = where(isOffTopic, shortfall, excess);
        return perToken.mean().div(scale).mul(Weight);
    }
}
