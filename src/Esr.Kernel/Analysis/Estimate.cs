namespace Esr.Kernel.Analysis;

/// <summary>A value with its standard error and confidence interval; NaN where undefined (no data, or one value for a mean).</summary>
/// <param name="Value">The point estimate.</param>
/// <param name="StandardError">Wald SE for proportions, sample SD (ddof = 1) / sqrt(n) for means.</param>
/// <param name="Low">Lower end of the interval.</param>
/// <param name="High">Upper end of the interval.</param>
/// <param name="N">The number of values it rests on (the denominator for proportions).</param>
public sealed record Estimate(double Value, double StandardError, double Low, double High, int N)
{
    /// <summary>A mean over values with ±z·SE bounds.</summary>
    public static Estimate Mean(IReadOnlyList<double> values, double z)
    {
        int n = values.Count;
        if (n == 0) return new(double.NaN, double.NaN, double.NaN, double.NaN, 0);
        double mean = values.Average();
        double se = n < 2 ? double.NaN : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (n - 1)) / Math.Sqrt(n);
        return new(mean, se, mean - z * se, mean + z * se, n);
    }

    /// <summary>
    /// A percentage 100·successes/n; SE is always the Wald one, the interval Wald (±z·SE) or Wilson.
    /// </summary>
    public static Estimate Percentage(int successes, int n, double z, IntervalMethod method)
    {
        if (n == 0) return new(double.NaN, double.NaN, double.NaN, double.NaN, 0);
        double p = (double)successes / n;
        double se = Math.Sqrt(p * (1 - p) / n);
        double low, high;
        if (method == IntervalMethod.Wald)
        {
            low = p - z * se;
            high = p + z * se;
        }
        else
        {
            double z2 = z * z;
            double denominator = 1 + z2 / n;
            double centre = (p + z2 / (2 * n)) / denominator;
            double half = z / denominator * Math.Sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
            low = centre - half;
            high = centre + half;
        }
        return new(100 * p, 100 * se, 100 * low, 100 * high, n);
    }
}
