namespace Esr.Kernel.Toy;

/// <summary>How well one latent's activation separates off-topic tokens from on-task ones (<see cref="ToyDetectorDiscovery"/>).</summary>
/// <param name="Latent">The latent.</param>
/// <param name="Auc">The chance that an off-topic token activates it more than an on-task one, ties counted half.</param>
/// <param name="OffTopicMean">Its mean activation over the off-topic tokens.</param>
/// <param name="OnTaskMean">Its mean activation over the on-task tokens.</param>
/// <param name="OffTopicActiveFraction">The share of off-topic tokens with activation &gt; 0.</param>
/// <param name="OnTaskActiveFraction">The share of on-task tokens with activation &gt; 0.</param>
public sealed record ToyDetectorStats(
    int Latent, double Auc, double OffTopicMean, double OnTaskMean, double OffTopicActiveFraction, double OnTaskActiveFraction);
