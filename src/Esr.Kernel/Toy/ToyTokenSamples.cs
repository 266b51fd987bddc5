using Esr.Kernel.Analysis;

namespace Esr.Kernel.Toy;

/// <summary>
/// The SAE activations of labelled tokens pooled over trials, kept sparse: per latent only its nonzero values on each
/// side, the others being zeros, so memory grows with the SAE's L0 rather than its width.
/// </summary>
internal sealed class ToyTokenSamples
{
    private readonly List<float>[] _offTopic;
    private readonly List<float>[] _onTask;

    /// <summary>Holds the samples of <paramref name="latentCount"/> latents.</summary>
    public ToyTokenSamples(int latentCount)
    {
        _offTopic = Enumerable.Range(0, latentCount).Select(_ => new List<float>()).ToArray();
        _onTask = Enumerable.Range(0, latentCount).Select(_ => new List<float>()).ToArray();
    }

    /// <summary>The off-topic tokens added.</summary>
    public int OffTopicTokens { get; private set; }

    /// <summary>The on-task tokens added.</summary>
    public int OnTaskTokens { get; private set; }

    /// <summary>Adds one token: its activation of every latent, and its side.</summary>
    public void Add(float[] activations, bool offTopic)
    {
        var side = offTopic ? _offTopic : _onTask;
        for (var latent = 0; latent < activations.Length; latent++)
            if (activations[latent] != 0) side[latent].Add(activations[latent]);
        if (offTopic) OffTopicTokens++;
        else OnTaskTokens++;
    }

    /// <summary>The latent's separation statistics.</summary>
    /// <exception cref="ArgumentException">A side has no token.</exception>
    public ToyDetectorStats Stats(int latent)
    {
        var offTopic = Dense(_offTopic[latent], OffTopicTokens);
        var onTask = Dense(_onTask[latent], OnTaskTokens);
        return new ToyDetectorStats(latent, MannWhitneyAuc.Of(offTopic, onTask), offTopic.Average(v => (double)v), onTask.Average(v => (double)v),
            Active(offTopic), Active(onTask));
    }

    private static float[] Dense(List<float> nonzero, int tokens)
    {
        var values = new float[tokens];
        nonzero.CopyTo(values);
        return values;
    }

    private static double Active(float[] values) => values.Count(v => v > 0) / (double)values.Length;
}
