namespace Esr.Kernel.Interventions;

/// <summary>The activations of some SAE latents at each token of one sequence.</summary>
/// <param name="Latents">The latents read, in column order.</param>
/// <param name="Tokens">Per token (prompt tokens first, then generated ones), one value per latent in <paramref name="Latents"/>.</param>
public sealed record LatentTrace(IReadOnlyList<int> Latents, IReadOnlyList<float[]> Tokens)
{
    /// <summary>Each latent's largest activation over the tokens (0 for an empty trace, as SAE activations are never negative).</summary>
    public float[] MaxPool()
    {
        var pooled = new float[Latents.Count];
        foreach (var token in Tokens)
            for (var i = 0; i < pooled.Length; i++) pooled[i] = Math.Max(pooled[i], token[i]);
        return pooled;
    }

    /// <summary>The activation of <paramref name="latent"/> at each token.</summary>
    /// <exception cref="ArgumentException">The latent was not read.</exception>
    public float[] Of(int latent)
    {
        var column = Latents is List<int> list ? list.IndexOf(latent) : Latents.ToList().IndexOf(latent);
        if (column < 0) throw new ArgumentException($"latent {latent} was not read (read: {string.Join(", ", Latents.Take(10))}{(Latents.Count > 10 ? ", ..." : "")})", nameof(latent));
        return Tokens.Select(token => token[column]).ToArray();
    }
}
