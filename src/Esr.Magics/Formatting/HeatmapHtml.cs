using Esr.Kernel;

namespace Esr.Magics.Formatting;

/// <summary>
/// Tokens coloured by a latent's activation (CircuitsVis' coloured tokens), one row per coloured latent; hovering a
/// token shows its value and its strongest latents with labels (a title tooltip: it works without JavaScript).
/// </summary>
internal static class HeatmapHtml
{
    public static string Of(LatentHeatmap heatmap)
    {
        var trace = heatmap.Trace;
        var tokens = heatmap.Tokens;
        var top = trace.Top(trace.TopCount);
        if (heatmap.Colored.Count == 0)
            return Html.View("heatmap", $"<div class=\"esr-meta\">no latent is active over the {tokens.Count} tokens</div>{Row(tokens, new float[tokens.Count], 0, null, heatmap, top)}");
        var rows = heatmap.Colored.Select(latent =>
        {
            var values = trace.Of(latent);
            var max = values.Max();
            return $"<div class=\"esr-meta\">latent {latent} · {Html.Text(trace.Label(latent))} · max {Html.Number(max)}</div>" +
                Row(tokens, values, max, latent, heatmap, top);
        });
        return Html.View("heatmap", string.Concat(rows) +
            $"<div class=\"esr-meta\">{tokens.Count} tokens · hover a token for its top {trace.TopCount} latents</div>");
    }

    private static string Row(IReadOnlyList<string> tokens, float[] values, float max, int? latent, LatentHeatmap heatmap,
        IReadOnlyList<IReadOnlyList<Esr.Kernel.Saes.LatentActivation>> top)
    {
        var spans = tokens.Select((token, i) =>
        {
            var alpha = max > 0 && values[i] > 0 ? 0.1 + 0.75 * values[i] / max : 0;
            var tip = $"#{i} {Shown(token)}" + (latent is null ? "" : $"\nlatent {latent}: {Html.Number(values[i])}") +
                string.Concat(top[i].Select(a => $"\n{a.Latent} {heatmap.Trace.Label(a.Latent)}: {Html.Number(a.Value)}"));
            return $"<span class=\"esr-token\" style=\"background: rgba(255, 120, 0, {Html.Number(alpha, 3)})\" title=\"{Html.Text(tip)}\">{Html.Text(Shown(token))}</span>";
        });
        return $"<div class=\"esr-tokens\">{string.Concat(spans)}</div>";
    }

    /// <summary>A token as drawn: line breaks and tabs made visible so every token keeps a box.</summary>
    private static string Shown(string token) => token.Replace("\n", "↵").Replace("\t", "→");
}
