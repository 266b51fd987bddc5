using System.Globalization;
using Esr.Kernel.Interventions;

namespace Esr.Kernel;

/// <summary>
/// A text's tokens with SAE latent activations, ready to draw as a heatmap (CircuitsVis' coloured tokens): the
/// latents that colour the tokens, and per token its strongest latents with labels.
/// </summary>
/// <param name="Trace">
/// Every latent that is among some token's <see cref="LatentTrace.TopCount"/> strongest, plus <paramref name="Colored"/>,
/// read at every token (so <see cref="LatentTrace.Top"/> is each token's true top).
/// </param>
/// <param name="Colored">The latents to colour the tokens by, one row each; empty when no latent fired.</param>
public sealed record LatentHeatmap(LatentTrace Trace, IReadOnlyList<int> Colored)
{
    /// <summary>
    /// Reads the attached SAE over <paramref name="text"/> (encoded as it is, with the special tokens the tokenizer adds):
    /// each token's <paramref name="top"/> strongest latents, coloured by <paramref name="latents"/> or, when null, by
    /// the latent most active on the text's own tokens.
    /// </summary>
    /// <exception cref="EsrInputException">No SAE, top below 1, a latent outside the SAE, or a text the context cannot hold.</exception>
    public static LatentHeatmap Read(LoadedModel model, string text, int top = 5, IReadOnlyList<int>? latents = null, Steering? steering = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(text);
        var ids = model.Tokenizer.Encode(text, addSpecialTokens: true);
        var trace = model.ReadLatents(ids, top, steering: steering);
        if (latents is not null && latents.Except(trace.Latents).Any())
            trace = model.ReadLatents(ids, top, trace.Latents.Union(latents).Order().ToArray(), steering);
        return Of(trace, latents);
    }

    /// <summary>
    /// The heatmap of a trace, coloured by <paramref name="latents"/> or, when null, by the latent most active on the
    /// text's own tokens: a BOS token draws large activations from latents that say nothing about the text.
    /// </summary>
    /// <exception cref="ArgumentException">A latent the trace did not read.</exception>
    public static LatentHeatmap Of(LatentTrace trace, IReadOnlyList<int>? latents = null)
    {
        ArgumentNullException.ThrowIfNull(trace);
        if (latents is not null)
        {
            foreach (var latent in latents) trace.Of(latent); // throws for a latent that was not read
            return new LatentHeatmap(trace, latents.ToArray());
        }
        var pooled = trace.MaxPool(skipSpecialTokens: true);
        var strongest = Enumerable.Range(0, pooled.Length).Where(i => pooled[i] > 0).OrderByDescending(i => pooled[i]).ThenBy(i => trace.Latents[i]);
        return new LatentHeatmap(trace, strongest.Take(1).Select(i => trace.Latents[i]).ToArray());
    }

    /// <summary>The token texts (placeholders "#i" when the trace has none).</summary>
    public IReadOnlyList<string> Tokens => Trace.TokenTexts ?? Enumerable.Range(0, Trace.Tokens.Count).Select(i => $"#{i}").ToArray();

    /// <summary>One block per coloured latent: its label and max, then each token with its activation.</summary>
    public override string ToString()
    {
        if (Colored.Count == 0) return $"no latent is active over the {Trace.Tokens.Count} tokens";
        return string.Join("\n\n", Colored.Select(latent =>
        {
            var values = Trace.Of(latent);
            return string.Create(CultureInfo.InvariantCulture, $"latent {latent} {Trace.Label(latent)} (max {values.Max():G4})\n") +
                string.Join(' ', Tokens.Select((token, i) => values[i] > 0 ? string.Create(CultureInfo.InvariantCulture, $"{token}[{values[i]:G3}]") : token));
        }));
    }
}
