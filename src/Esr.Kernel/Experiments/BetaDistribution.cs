namespace Esr.Kernel.Experiments;

/// <summary>The Beta distribution's cumulative distribution function (regularized incomplete beta function).</summary>
public static class BetaDistribution
{
    /// <summary>P(X ≤ x) for X ~ Beta(a, b).</summary>
    /// <exception cref="ArgumentOutOfRangeException">a or b not positive.</exception>
    public static double Cdf(double x, double a, double b)
    {
        if (!(a > 0)) throw new ArgumentOutOfRangeException(nameof(a), a, "Must be positive.");
        if (!(b > 0)) throw new ArgumentOutOfRangeException(nameof(b), b, "Must be positive.");
        if (double.IsNaN(x)) return double.NaN;
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        // The continued fraction converges fast only below the mean-ish point; use I_x(a,b) = 1 − I_{1−x}(b,a) above it.
        return x < (a + 1) / (a + b + 2)
            ? Front(x, a, b) * ContinuedFraction(x, a, b) / a
            : 1 - Front(1 - x, b, a) * ContinuedFraction(1 - x, b, a) / b;
    }

    // x^a (1−x)^b / B(a, b), through logarithms to avoid overflow for large a, b.
    private static double Front(double x, double a, double b) =>
        Math.Exp(a * Math.Log(x) + b * Math.Log(1 - x) + LogGamma(a + b) - LogGamma(a) - LogGamma(b));

    // 1/(1 + d1/(1 + d2/(1 + ...))) with d_{2m+1} = −(a+m)(a+b+m)x/((a+2m)(a+2m+1)) and
    // d_{2m} = m(b−m)x/((a+2m−1)(a+2m)), evaluated by the modified Lentz method.
    private static double ContinuedFraction(double x, double a, double b)
    {
        const double tiny = 1e-300;
        // The first term, d1 = −(a+b)x/(a+1), starts the recurrence.
        double c = 1, d = 1 - (a + b) * x / (a + 1);
        if (Math.Abs(d) < tiny) d = tiny;
        d = 1 / d;
        double result = d;
        for (int m = 1; m <= 1000; m++)
        {
            double even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            (c, d) = LentzStep(c, d, even, tiny);
            result *= c * d;
            double odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
            (c, d) = LentzStep(c, d, odd, tiny);
            double change = c * d;
            result *= change;
            if (Math.Abs(change - 1) < 1e-16) break;
        }
        return result;
    }

    private static (double C, double D) LentzStep(double c, double d, double term, double tiny)
    {
        d = 1 + term * d;
        if (Math.Abs(d) < tiny) d = tiny;
        c = 1 + term / c;
        if (Math.Abs(c) < tiny) c = tiny;
        return (c, 1 / d);
    }

    // Lanczos approximation (g = 7, nine terms), accurate to about 1e-15 for positive arguments.
    private static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    internal static double LogGamma(double z)
    {
        if (z < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * z))) - LogGamma(1 - z);
        z -= 1;
        double sum = Lanczos[0];
        for (int i = 1; i < Lanczos.Length; i++) sum += Lanczos[i] / (z + i);
        double t = z + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (z + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
