using Esr.Kernel.Analysis;
using Microsoft.Data.Analysis;

namespace Esr.Kernel.Experiments.Episodes;

/// <summary>
/// The data of Figure A.15 (ESR_SPEC §7.2, aligned overlay): for each episode with a correction token, the per-token
/// mean over a latent group in a window of <c>before</c> tokens before and <c>after</c> tokens from the correction
/// token (0 outside the sequence); across episodes the mean, population SD and SEM = SD/√n, and the mean smoothed by
/// a centred 5-token moving average with zero padding (the SEM is not smoothed).
/// </summary>
public static class AlignedOverlay
{
    /// <summary>Width of the centred moving average.</summary>
    public const int SmoothingWidth = 5;

    /// <summary>
    /// One row per offset −before … after−1 with, for each group, <c>&lt;name&gt;_mean</c>, <c>_sd</c>, <c>_sem</c>
    /// and <c>_smoothed</c>; plus <c>n_episodes</c>.
    /// </summary>
    public static DataFrame Build(
        IReadOnlyList<EpisodeActivations> episodes, IReadOnlyList<(string Name, IReadOnlyList<int> Latents)> groups, int before = 150, int after = 150)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        ArgumentNullException.ThrowIfNull(groups);
        var aligned = episodes.Where(e => e.CorrectionToken >= 0).ToList();
        int width = before + after;
        var columns = new List<DataFrameColumn>
        {
            new Int32DataFrameColumn("offset", Enumerable.Range(-before, width)),
            new Int32DataFrameColumn("n_episodes", Enumerable.Repeat(aligned.Count, width)),
        };
        foreach (var (name, latents) in groups)
        {
            var windows = aligned.Select(e => Window(e.MeanOver(latents), e.CorrectionToken, before, width)).ToList();
            var mean = new double[width];
            var sd = new double[width];
            for (int k = 0; k < width; k++)
            {
                var column = windows.Select(w => w[k]).ToList();
                mean[k] = column.Count == 0 ? double.NaN : column.Average();
                sd[k] = PairedTests.PopulationSd(column);
            }
            columns.Add(new DoubleDataFrameColumn($"{name}_mean", mean));
            columns.Add(new DoubleDataFrameColumn($"{name}_sd", sd));
            columns.Add(new DoubleDataFrameColumn($"{name}_sem", sd.Select(s => s / Math.Sqrt(aligned.Count))));
            columns.Add(new DoubleDataFrameColumn($"{name}_smoothed", MovingAverage(mean, SmoothingWidth)));
        }
        return new DataFrame(columns);
    }

    /// <summary>The median correction length (on − correction) over episodes with on &gt; correction; <paramref name="fallback"/> when none.</summary>
    public static double MedianCorrectionLength(IReadOnlyList<EpisodeActivations> episodes, double fallback = 20)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        return MedianCorrectionLength(CorrectionLengths(episodes.Select(e => (e.CorrectionToken, e.OnTopicToken))), fallback);
    }

    /// <summary>on − correction of each (correction, on-topic) token pair with on &gt; correction.</summary>
    public static IReadOnlyList<int> CorrectionLengths(IEnumerable<(int Correction, int OnTopic)> boundaries) =>
        boundaries.Where(b => b.OnTopic > b.Correction).Select(b => b.OnTopic - b.Correction).ToList();

    /// <summary>The median of <paramref name="lengths"/>; <paramref name="fallback"/> when there are none.</summary>
    public static double MedianCorrectionLength(IReadOnlyList<int> lengths, double fallback = 20)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        return lengths.Count == 0 ? fallback : PairedTests.Median(lengths.Select(length => (double)length).ToList());
    }

    /// <summary>NumPy's <c>convolve(x, ones(w)/w, mode="same")</c>: a centred mean of w values, zeros beyond the ends.</summary>
    public static double[] MovingAverage(IReadOnlyList<double> values, int width)
    {
        ArgumentNullException.ThrowIfNull(values);
        var smoothed = new double[values.Count];
        int left = (width - 1) / 2;
        for (int i = 0; i < values.Count; i++)
        {
            double sum = 0;
            for (int j = i - left; j < i - left + width; j++)
                if (j >= 0 && j < values.Count) sum += values[j];
            smoothed[i] = sum / width;
        }
        return smoothed;
    }

    private static double[] Window(double[] series, int centre, int before, int width)
    {
        var window = new double[width];
        for (int k = 0; k < width; k++)
        {
            int t = centre - before + k;
            if (t >= 0 && t < series.Length) window[k] = series[t];
        }
        return window;
    }
}
