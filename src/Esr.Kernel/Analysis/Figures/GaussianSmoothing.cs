namespace Esr.Kernel.Analysis.Figures;

/// <summary>
/// A 1-D Gaussian filter with the reflect boundary (d c b a | a b c d | d c b a), the same as
/// scipy.ndimage.gaussian_filter1d(mode="reflect", truncate=4.0) that smooths the Figure-3 series.
/// </summary>
public static class GaussianSmoothing
{
    /// <summary>The Figure-3 width: half a boost level.</summary>
    public const double Figure3Sigma = 0.5;

    /// <summary>The normalized kernel weights for offsets −r…r, r = ⌊truncate·σ + 0.5⌋.</summary>
    public static double[] Kernel(double sigma, double truncate = 4.0)
    {
        if (!(sigma > 0)) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "The width must be positive.");
        int radius = (int)(truncate * sigma + 0.5);
        var weights = Enumerable.Range(-radius, 2 * radius + 1).Select(k => Math.Exp(-0.5 * k * k / (sigma * sigma))).ToArray();
        double sum = weights.Sum();
        return weights.Select(w => w / sum).ToArray();
    }

    /// <summary>The smoothed series, same length as <paramref name="values"/>.</summary>
    public static double[] Filter(IReadOnlyList<double> values, double sigma, double truncate = 4.0)
    {
        ArgumentNullException.ThrowIfNull(values);
        var kernel = Kernel(sigma, truncate);
        int radius = kernel.Length / 2, n = values.Count;
        var result = new double[n];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int k = -radius; k <= radius; k++) sum += kernel[k + radius] * values[Reflect(i + k, n)];
            result[i] = sum;
        }
        return result;
    }

    // Half-sample symmetric reflection, repeated for kernels wider than the series.
    private static int Reflect(int i, int n)
    {
        int period = 2 * n;
        i = ((i % period) + period) % period;
        return i < n ? i : period - 1 - i;
    }
}
