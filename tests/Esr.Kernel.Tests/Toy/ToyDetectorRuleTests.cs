using Esr.Kernel.Toy;

namespace Esr.Kernel.Tests.Toy;

public class ToyDetectorRuleTests
{
    private static ToyDetectorStats Latent(int latent, double auc, double offTopicMean) => new(latent, auc, offTopicMean, 0, 1, 0);

    [Fact]
    public void Detectors_reach_the_least_auc_sorted_by_auc_then_off_topic_mean_then_index_at_most_the_limit()
    {
        ToyDetectorStats[] latents = [Latent(1, 0.95, 1), Latent(2, 0.89, 9), Latent(3, 1.0, 0.5), Latent(4, 0.95, 2), Latent(5, 0.95, 2), Latent(6, 0.9, 3)];

        Assert.Equal([3, 4, 5, 1, 6], new ToyDetectorRule().Select(latents).Select(d => d.Latent));
        Assert.Equal([3, 4], new ToyDetectorRule(MaxDetectors: 2).Select(latents).Select(d => d.Latent));
        Assert.Equal([3], new ToyDetectorRule(MinAuc: 0.99).Select(latents).Select(d => d.Latent));
    }
}
