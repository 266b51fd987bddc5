using Microsoft.Data.Analysis;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>
/// Figure 6 (Exp 6): per-token activations over one steered example. Input: the readout of Exp 6 as
/// <see cref="SequentialActivations"/>; output: the two smoothed series the figure draws.
/// </summary>
public static class SequentialActivationFigure
{
    /// <summary>OTDs whose maximum activation is at most this are left out of the sum.</summary>
    public const double ActiveThreshold = 0.001;

    /// <summary>The smoothing weight of the current token: s_t = 0.5·x_t + 0.5·s_{t−1}.</summary>
    public const double SmoothingWeight = 0.5;

    /// <summary>
    /// One row per token position of the whole templated sequence: position, token, otd_sum (the sum over the
    /// detectors with max activation &gt; 0.001, latents of interest excluded), otd_sum_smoothed, backtracking
    /// (the backtracking latent's activation, 0 when it was not read), backtracking_smoothed.
    /// </summary>
    public static DataFrame Build(SequentialActivations readout)
    {
        ArgumentNullException.ThrowIfNull(readout);
        int n = readout.Tokens.Count;
        foreach (var (latent, values) in readout.Activations)
            if (values.Count != n) throw new ArgumentException($"Latent {latent} has {values.Count} activations for {n} tokens.", nameof(readout));
        var summed = readout.OffTopicDetectors
            .Where(d => !readout.LatentsOfInterest.Contains(d) && readout.Activations.TryGetValue(d, out var a) && a.Count > 0 && a.Max() > ActiveThreshold)
            .Select(d => readout.Activations[d]).ToList();
        var otd = Enumerable.Range(0, n).Select(i => summed.Sum(a => a[i])).ToArray();
        var backtracking = readout.Activations.TryGetValue(readout.BacktrackingLatent, out var b) ? b.ToArray() : new double[n];
        var otdSmoothed = Exponential(otd);
        var btSmoothed = Exponential(backtracking);
        var frame = new FrameBuilder();
        for (int i = 0; i < n; i++)
        {
            frame.Add("position", i).Add("token", readout.Tokens[i]).Add("otd_sum", otd[i]).Add("otd_sum_smoothed", otdSmoothed[i])
                .Add("backtracking", backtracking[i]).Add("backtracking_smoothed", btSmoothed[i]);
            frame.EndRow();
        }
        return frame.ToFrame();
    }

    /// <summary>Exponential smoothing s_0 = x_0, s_t = 0.5·x_t + 0.5·s_{t−1}.</summary>
    public static double[] Exponential(IReadOnlyList<double> values)
    {
        var result = new double[values.Count];
        for (int i = 0; i < values.Count; i++)
            result[i] = i == 0 ? values[0] : SmoothingWeight * values[i] + (1 - SmoothingWeight) * result[i - 1];
        return result;
    }
}

/// <summary>One Exp-6 readout: per-token activations of the latents read over the templated sequence.</summary>
/// <param name="Tokens">Each token decoded on its own, position 0 first.</param>
/// <param name="Activations">Per latent, one activation per token.</param>
/// <param name="OffTopicDetectors">The detector latents summed in the middle row.</param>
/// <param name="LatentsOfInterest">Latents kept out of the detector sum (33044 in the paper).</param>
/// <param name="BacktrackingLatent">The latent of the bottom row, 33044 "sarcastic backtracking" in the paper.</param>
/// <param name="Regions">The shaded regions; <see cref="TokenRegion.Figure6"/> for the paper's example.</param>
public sealed record SequentialActivations(
    IReadOnlyList<string> Tokens,
    IReadOnlyDictionary<int, IReadOnlyList<double>> Activations,
    IReadOnlyList<int> OffTopicDetectors,
    IReadOnlyList<int> LatentsOfInterest,
    int BacktrackingLatent,
    IReadOnlyList<TokenRegion> Regions)
{
    /// <summary>The bottom row's title for the paper's latent 33044, as its figure has it.</summary>
    public const string PaperBacktrackingTitle = "Sarcastic backtracking";

    /// <summary>The bottom row's title: the paper's, or the label of another latent.</summary>
    public string BacktrackingTitle { get; init; } = PaperBacktrackingTitle;
}
