using Esr.Kernel.Toy;
using static TorchSharp.torch;

namespace Esr.Kernel.Tests.Toy;

public sealed class LatentMassTests
{
    [Fact]
    public void Labels_of_more_latents_than_one_pass_sums_match_sums_taken_by_hand()
    {
        // 600 latents: the mass is summed 256 latents at a time, so latents 255/256 and 511/512 straddle passes.
        const int tokens = 50, latents = 600;
        var random = new Random(11);
        var values = new float[tokens * latents];
        for (var i = 0; i < values.Length; i++) values[i] = random.NextDouble() < 0.3 ? (float)random.NextDouble() : 0;
        string[] names = ["subject:a", "subject:b", "task:c", "marker", "shared"];
        var categories = Enumerable.Range(0, tokens).Select(token => names[token * 7 % names.Length]).ToArray();
        using var activations = tensor(values, [tokens, (long)latents]);

        using var mass = LatentMass.Of(activations, categories);
        var labels = mass.Labels();
        Assert.Equal(latents, labels.Count);
        foreach (var latent in new[] { 0, 255, 256, 300, 511, 512, 599 })
        {
            var byCategory = names.ToDictionary(name => name, name => Enumerable.Range(0, tokens)
                .Where(token => categories[token] == name).Sum(token => (double)values[token * latents + latent]));
            var total = byCategory.Values.Sum();
            var best = byCategory.MaxBy(pair => pair.Value);
            Assert.Equal(latent, labels[latent].Latent);
            Assert.Equal(best.Key, labels[latent].Label);
            Assert.Equal(total, labels[latent].Mass, 1e-9);
            Assert.Equal(best.Value / total, labels[latent].Purity, 1e-9);
        }
    }

    [Fact]
    public void Each_category_picks_the_latent_with_the_most_mass_times_share_not_the_most_mass()
    {
        // Tokens: subject:a, subject:a, task:b. Latent 0 fires 2+2 on a and 6 on b (mass 4, share 0.4: 1.6 for a; 6 · 0.6 = 3.6 for b);
        // latent 1 fires 1+2 on a only (3 · 1 = 3); latent 2 fires 1 on b only (1 · 1 = 1).
        using var activations = tensor(new float[] { 2, 1, 0, 2, 2, 0, 6, 0, 1 }, [3L, 3L]);
        using var mass = LatentMass.Of(activations, ["subject:a", "subject:a", "task:b"]);

        var subjects = mass.BestLatents("subject:");
        Assert.Equal(["a"], subjects.Keys);
        Assert.Equal(new LatentLabel(1, "subject:a", 1, 3), subjects["a"]);
        var tasks = mass.BestLatents("task:");
        Assert.Equal(0, tasks["b"].Latent);
        Assert.Equal(0.6, tasks["b"].Purity, 1e-12);
        Assert.Equal(6, tasks["b"].Mass);
        Assert.Equal("task:b", mass.Labels()[0].Label); // latent 0's own label: most of its mass is on b
    }

    [Fact]
    public void Mass_of_activations_and_categories_that_do_not_line_up_is_refused()
    {
        using var activations = zeros(3, 2);
        var error = Assert.Throws<ArgumentException>(() => LatentMass.Of(activations, ["subject:a", "task:b"]));
        Assert.StartsWith("3 activation rows but 2 token categories", error.Message);
    }
}
