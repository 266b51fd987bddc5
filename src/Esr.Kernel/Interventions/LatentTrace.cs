using Microsoft.Data.Analysis;

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

    /// <summary>
    /// The trace in long form: one row per (token, latent) with columns <c>token</c> (index in the sequence),
    /// <c>token_text</c> (only when <paramref name="tokenTexts"/> is given), <c>latent</c> and <c>activation</c>.
    /// </summary>
    /// <param name="tokenTexts">The text of each token (e.g. the tokenizer's pieces), one per token.</param>
    /// <exception cref="ArgumentException"><paramref name="tokenTexts"/> does not have one text per token.</exception>
    public DataFrame ToDataFrame(IReadOnlyList<string>? tokenTexts = null)
    {
        if (tokenTexts is not null && tokenTexts.Count != Tokens.Count)
            throw new ArgumentException($"{tokenTexts.Count} token texts for {Tokens.Count} tokens", nameof(tokenTexts));
        var rows = Tokens.Count * Latents.Count;
        var token = new Int32DataFrameColumn("token", rows);
        var latent = new Int32DataFrameColumn("latent", rows);
        var activation = new SingleDataFrameColumn("activation", rows);
        var text = tokenTexts is null ? null : new StringDataFrameColumn("token_text", rows);
        var row = 0;
        for (var t = 0; t < Tokens.Count; t++)
        {
            for (var i = 0; i < Latents.Count; i++, row++)
            {
                token[row] = t;
                latent[row] = Latents[i];
                activation[row] = Tokens[t][i];
                if (text is not null) text[row] = tokenTexts![t];
            }
        }
        return text is null ? new DataFrame(token, latent, activation) : new DataFrame(token, text, latent, activation);
    }

    /// <summary>The max-pooled trace: one row per latent with columns <c>latent</c> and <c>max_activation</c> (<see cref="MaxPool"/>).</summary>
    public DataFrame MaxPoolDataFrame() =>
        new(new Int32DataFrameColumn("latent", Latents), new SingleDataFrameColumn("max_activation", MaxPool()));

    /// <summary>The activation of <paramref name="latent"/> at each token.</summary>
    /// <exception cref="ArgumentException">The latent was not read.</exception>
    public float[] Of(int latent)
    {
        var column = Latents is List<int> list ? list.IndexOf(latent) : Latents.ToList().IndexOf(latent);
        if (column < 0) throw new ArgumentException($"latent {latent} was not read (read: {string.Join(", ", Latents.Take(10))}{(Latents.Count > 10 ? ", ..." : "")})", nameof(latent));
        return Tokens.Select(token => token[column]).ToArray();
    }
}
