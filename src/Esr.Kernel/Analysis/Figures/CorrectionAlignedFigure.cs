using Microsoft.Data.Analysis;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>Figure A.15 (Exp 9): OTD and backtracking activations aligned on the correction token, across episodes.</summary>
public static class CorrectionAlignedFigure
{
    /// <summary>Tokens kept before and after the correction token.</summary>
    public const int Window = 150;

    /// <summary>Width of the centred moving average over the mean.</summary>
    public const int MovingAverageWidth = 5;

    /// <summary>The correction length used when no episode has one.</summary>
    public const double DefaultCorrectionLength = 20;

    /// <summary>
    /// <see cref="CorrectionAlignedData.Series"/>: one row per offset −150…149: offset, and for prefix otd and
    /// backtracking: _mean, _sd (population), _sem = sd/√n, _smoothed (5-token centred moving average of the mean,
    /// zero-padded). Positions outside an episode count as 0. Episodes with a negative correction token are skipped.
    /// <see cref="CorrectionAlignedData.CorrectionLengths"/>: on − correction of the episodes with on &gt; correction.
    /// </summary>
    public static CorrectionAlignedData Build(IEnumerable<EpisodeSeries> episodes)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        var used = episodes.Where(e => e.CorrectionToken >= 0).ToList();
        var otd = Aligned(used, e => e.OffTopicDetectorMean);
        var bt = Aligned(used, e => e.BacktrackingMean);
        var frame = new FrameBuilder();
        for (int i = 0; i < 2 * Window; i++)
        {
            frame.Add("offset", i - Window);
            foreach (var (prefix, s) in new[] { ("otd", otd), ("backtracking", bt) })
                frame.Add(prefix + "_mean", s.Mean[i]).Add(prefix + "_sd", s.Sd[i]).Add(prefix + "_sem", s.Sem[i]).Add(prefix + "_smoothed", s.Smoothed[i]);
            frame.EndRow();
        }
        var lengths = used.Where(e => e.OnTopicToken > e.CorrectionToken).Select(e => e.OnTopicToken - e.CorrectionToken).ToList();
        return new(frame.ToFrame(), lengths, lengths.Count == 0 ? DefaultCorrectionLength : Median(lengths));
    }

    /// <summary>Centred moving average of odd width, treating positions past either end as 0.</summary>
    public static double[] MovingAverage(IReadOnlyList<double> values, int width)
    {
        int half = width / 2;
        return Enumerable.Range(0, values.Count)
            .Select(i => Enumerable.Range(i - half, width).Sum(j => j >= 0 && j < values.Count ? values[j] : 0) / width).ToArray();
    }

    private static (double[] Mean, double[] Sd, double[] Sem, double[] Smoothed) Aligned(List<EpisodeSeries> episodes, Func<EpisodeSeries, IReadOnlyList<double>> series)
    {
        int n = episodes.Count, width = 2 * Window;
        var mean = new double[width];
        var sd = new double[width];
        var sem = new double[width];
        for (int i = 0; i < width && n > 0; i++)
        {
            var values = episodes.Select(e =>
            {
                int position = e.CorrectionToken - Window + i;
                var s = series(e);
                return position >= 0 && position < s.Count ? s[position] : 0;
            }).ToList();
            mean[i] = values.Average();
            sd[i] = Math.Sqrt(values.Sum(v => (v - mean[i]) * (v - mean[i])) / n);
            sem[i] = sd[i] / Math.Sqrt(n);
        }
        return (mean, sd, sem, MovingAverage(mean, MovingAverageWidth));
    }

    private static double Median(List<int> values)
    {
        var sorted = values.Order().ToList();
        int m = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2.0;
    }
}

/// <summary>The data of Figure A.15.</summary>
/// <param name="Series">One row per offset from the correction token.</param>
/// <param name="CorrectionLengths">Each episode's correction length in tokens (the faint spans).</param>
/// <param name="MedianCorrectionLength">Their median, 20 when there are none (places the "Correction (fading)" label).</param>
public sealed record CorrectionAlignedData(DataFrame Series, IReadOnlyList<int> CorrectionLengths, double MedianCorrectionLength);
