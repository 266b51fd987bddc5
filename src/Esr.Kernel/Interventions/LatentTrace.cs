using System.Globalization;
using Esr.Kernel.Saes;
using Microsoft.Data.Analysis;

namespace Esr.Kernel.Interventions;

/// <summary>The activations of some SAE latents at each token of one sequence.</summary>
/// <param name="Latents">The latents read, in column order.</param>
/// <param name="Tokens">Per token (prompt tokens first, then generated ones), one value per latent in <paramref name="Latents"/>.</param>
public sealed record LatentTrace(IReadOnlyList<int> Latents, IReadOnlyList<float[]> Tokens)
{
    /// <summary>The text of each token (special tokens written out), when known.</summary>
    public IReadOnlyList<string>? TokenTexts { get; init; }

    /// <summary>The latents' labels, when known.</summary>
    public LatentLabels? Labels { get; init; }

    /// <summary>The positions of special tokens (BOS, chat markup), when known: views pick latents by the text's own tokens.</summary>
    public IReadOnlySet<int> SpecialPositions { get; init; } = new HashSet<int>();

    /// <summary>How many latents per token <see cref="ToString"/> and <see cref="TopDataFrame"/> show unless told otherwise.</summary>
    public int TopCount { get; init; } = 5;

    /// <summary>A latent's label, or <c>feature_&lt;i&gt;</c> where there is none.</summary>
    public string Label(int latent) => Labels?[latent] ?? LatentLabels.Placeholder(latent);

    /// <summary>Each latent's largest activation over the tokens (0 for an empty trace, as SAE activations are never negative).</summary>
    /// <param name="skipSpecialTokens">Leave out the <see cref="SpecialPositions"/>.</param>
    public float[] MaxPool(bool skipSpecialTokens = false)
    {
        var pooled = new float[Latents.Count];
        for (var position = 0; position < Tokens.Count; position++)
        {
            if (skipSpecialTokens && SpecialPositions.Contains(position)) continue;
            for (var i = 0; i < pooled.Length; i++) pooled[i] = Math.Max(pooled[i], Tokens[position][i]);
        }
        return pooled;
    }

    /// <summary>
    /// Per token, its <paramref name="k"/> most active latents among those read, strongest first (the lower index first
    /// on a tie); latents at 0 are left out, so a token may list fewer.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<LatentActivation>> Top(int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return Tokens.Select(token => (IReadOnlyList<LatentActivation>)Enumerable.Range(0, Latents.Count)
            .Where(i => token[i] > 0)
            .OrderByDescending(i => token[i]).ThenBy(i => Latents[i])
            .Take(k)
            .Select(i => new LatentActivation(Latents[i], token[i]))
            .ToArray()).ToArray();
    }

    /// <summary>
    /// The trace in long form: one row per (token, latent) with columns <c>token</c> (index in the sequence),
    /// <c>token_text</c> (only when texts are given or known), <c>latent</c> and <c>activation</c>.
    /// </summary>
    /// <param name="tokenTexts">The text of each token, one per token; null for <see cref="TokenTexts"/>.</param>
    /// <exception cref="ArgumentException">The texts are not one per token.</exception>
    public DataFrame ToDataFrame(IReadOnlyList<string>? tokenTexts = null)
    {
        tokenTexts ??= TokenTexts;
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

    /// <summary>
    /// <see cref="Top"/> in long form: one row per (token, rank) with columns <c>token</c>, <c>token_text</c> (when
    /// known), <c>rank</c> (1 = strongest), <c>latent</c>, <c>label</c> and <c>activation</c>.
    /// </summary>
    /// <param name="k">Latents per token; null for <see cref="TopCount"/>.</param>
    public DataFrame TopDataFrame(int? k = null)
    {
        var rows = Top(k ?? TopCount).SelectMany((latents, token) => latents.Select((activation, rank) => (Token: token, Rank: rank + 1, activation.Latent, activation.Value))).ToArray();
        var columns = new List<DataFrameColumn> { new Int32DataFrameColumn("token", rows.Select(row => row.Token)) };
        if (TokenTexts is not null) columns.Add(new StringDataFrameColumn("token_text", rows.Select(row => TokenTexts[row.Token])));
        columns.Add(new Int32DataFrameColumn("rank", rows.Select(row => row.Rank)));
        columns.Add(new Int32DataFrameColumn("latent", rows.Select(row => row.Latent)));
        columns.Add(new StringDataFrameColumn("label", rows.Select(row => Label(row.Latent))));
        columns.Add(new SingleDataFrameColumn("activation", rows.Select(row => row.Value)));
        return new DataFrame(columns);
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

    /// <summary>One line per token: its index, its text when known, and its <see cref="TopCount"/> strongest latents with their labels.</summary>
    public override string ToString() => string.Join('\n', Top(TopCount).Select((latents, token) =>
        $"{token}{(TokenTexts is null ? "" : $" {TokenTexts[token]}")}: " +
        string.Join(", ", latents.Select(a => $"{a.Latent} {Label(a.Latent)} {a.Value.ToString("G4", CultureInfo.InvariantCulture)}"))));
}
