namespace Esr.Kernel.Experiments.Episodes;

/// <summary>One episode's per-token latent activations over its templated [user, assistant] sequence.</summary>
/// <param name="Episode">The episode.</param>
/// <param name="Annotation">Its boundary annotation (an empty one for baseline episodes).</param>
/// <param name="TokenStrings">Each token decoded on its own.</param>
/// <param name="ResponseStartToken">Where the response starts, by the paper's rule.</param>
/// <param name="OffTopicToken">The off-topic boundary as a token, −1 when none.</param>
/// <param name="CorrectionToken">The correction boundary as a token, −1 when none.</param>
/// <param name="OnTopicToken">The on-topic boundary as a token, −1 when none.</param>
/// <param name="Activations">Per latent, its activation at every token of the sequence.</param>
public sealed record EpisodeActivations(
    Episode Episode, BoundaryAnnotation Annotation, IReadOnlyList<string> TokenStrings, int ResponseStartToken,
    int OffTopicToken, int CorrectionToken, int OnTopicToken, IReadOnlyDictionary<int, float[]> Activations)
{
    /// <summary>Tokens in the sequence.</summary>
    public int Length => TokenStrings.Count;

    /// <summary>Per token, the mean activation over <paramref name="latents"/>.</summary>
    public double[] MeanOver(IReadOnlyList<int> latents)
    {
        var mean = new double[Length];
        foreach (var latent in latents)
        {
            var values = Activations[latent];
            for (int t = 0; t < Length; t++) mean[t] += values[t];
        }
        for (int t = 0; t < Length; t++) mean[t] /= latents.Count;
        return mean;
    }
}
