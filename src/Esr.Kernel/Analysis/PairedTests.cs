using MathNet.Numerics.Distributions;

namespace Esr.Kernel.Analysis;

/// <summary>
/// The two-sample statistics of the episode analysis (ESR_SPEC §7.2 step 5): one-sided Wilcoxon signed-rank,
/// one-tailed paired t, Cohen's d with the pooled SD, Cliff's delta; plus the population SD the spec's summaries use.
/// </summary>
/// <remarks>
/// The Wilcoxon test follows SciPy's <c>wilcoxon(x, y, alternative="greater")</c> defaults: zero differences are
/// dropped ("wilcox"), the statistic is T+, the sum of the ranks of the positive differences (average ranks for
/// ties), and the normal approximation has the tie-corrected variance and no continuity correction. Which null
/// distribution gives the p-value is <see cref="WilcoxonMethod"/>: by default the exact one when at most 50
/// differences, none zero and no tied magnitudes, else the normal approximation (SciPy up to 1.12); or recent
/// SciPy's rule, which instead enumerates every sign flip when zeros or ties meet at most 13 differences.
/// </remarks>
public static class PairedTests
{
    /// <summary>The most non-zero differences for which the exact Wilcoxon distribution is used (SciPy's limit).</summary>
    public const int ExactWilcoxonLimit = 50;

    /// <summary>With <see cref="WilcoxonMethod.SmallSamplePermutation"/>, the most differences (zeros included) for which ties or zeros
    /// lead to enumerating every sign flip.</summary>
    public const int PermutationWilcoxonLimit = 13;

    /// <summary>What a test reports when it cannot run (unequal lengths, no usable differences): statistic 0, p 1.</summary>
    public static TestResult Failed { get; } = new(0, 1);

    /// <summary>
    /// One-sided Wilcoxon signed-rank test that <paramref name="x"/> − <paramref name="y"/> tends to be greater than 0.
    /// Unequal lengths, or no non-zero difference, give <see cref="Failed"/> (as the paper's code reports a failed call).
    /// </summary>
    public static TestResult WilcoxonGreater(IReadOnlyList<double> x, IReadOnlyList<double> y, WilcoxonMethod method = WilcoxonMethod.ExactOrNormal)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count) return Failed;
        var all = x.Zip(y, (a, b) => a - b).ToArray();
        var differences = all.Where(d => d != 0).ToArray();
        int n = differences.Length;
        bool zeros = n < all.Length;
        if (n == 0 || differences.Any(double.IsNaN)) return Failed;

        var ranks = AverageRanks(differences.Select(Math.Abs).ToArray(), out var tieGroups);
        double rPlus = 0;
        for (int i = 0; i < n; i++) if (differences[i] > 0) rPlus += ranks[i];
        bool exact = all.Length <= ExactWilcoxonLimit && !zeros && tieGroups.Count == 0;

        if (exact) return new(rPlus, ExactUpperTail(n, rPlus));
        if (method == WilcoxonMethod.SmallSamplePermutation && all.Length <= PermutationWilcoxonLimit)
            return new(rPlus, SignFlipUpperTail(ranks, rPlus));
        double mean = n * (n + 1) / 4.0;
        double variance = n * (n + 1) * (2.0 * n + 1) / 24.0 - tieGroups.Sum(t => (double)t * t * t - t) / 48.0;
        if (variance <= 0) return Failed;
        double z = (rPlus - mean) / Math.Sqrt(variance);
        return new(rPlus, 1 - Normal.CDF(0, 1, z));
    }

    /// <summary>
    /// Paired t-test of <paramref name="x"/> against <paramref name="y"/>: t = mean(d) / (SD(d, ddof 1)/√n) with
    /// n − 1 degrees of freedom, and the two-sided p halved (one-tailed; the sign of t is not checked, as in the
    /// paper). Unequal lengths or fewer than 2 pairs give <see cref="Failed"/>; a zero SD gives t = ±∞ (p 0) or NaN.
    /// </summary>
    public static TestResult PairedTOneTailed(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count || x.Count < 2) return Failed;
        var d = x.Zip(y, (a, b) => a - b).ToArray();
        int n = d.Length;
        double mean = d.Average();
        double sd = Math.Sqrt(d.Sum(v => (v - mean) * (v - mean)) / (n - 1));
        double t = mean / (sd / Math.Sqrt(n));
        if (double.IsNaN(t)) return new(double.NaN, double.NaN);
        double twoSided = double.IsInfinity(t) ? 0 : 2 * (1 - StudentT.CDF(0, 1, n - 1, Math.Abs(t)));
        return new(t, twoSided / 2);
    }

    /// <summary>
    /// Cohen's d = (mean(a) − mean(b)) / pooled SD, the pooled SD from both sample variances (ddof 1) weighted by
    /// n − 1; 0 when a group is empty or the pooled SD is 0 or undefined.
    /// </summary>
    public static double CohensD(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count == 0 || b.Count == 0) return 0;
        double meanA = a.Average(), meanB = b.Average();
        double squares = a.Sum(v => (v - meanA) * (v - meanA)) + b.Sum(v => (v - meanB) * (v - meanB));
        double pooled = Math.Sqrt(squares / (a.Count + b.Count - 2));
        return pooled > 0 && double.IsFinite(pooled) ? (meanA - meanB) / pooled : 0;
    }

    /// <summary>Cliff's delta = (#pairs a &gt; b − #pairs a &lt; b) / (|a|·|b|) over all cross pairs; 0 when a group is empty.</summary>
    public static double CliffsDelta(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count == 0 || b.Count == 0) return 0;
        long greater = 0, less = 0;
        foreach (var u in a)
            foreach (var v in b)
            {
                if (u > v) greater++;
                else if (u < v) less++;
            }
        return (double)(greater - less) / ((long)a.Count * b.Count);
    }

    /// <summary>The population standard deviation (ddof 0); NaN for no values.</summary>
    public static double PopulationSd(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) return double.NaN;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
    }

    /// <summary>The median (mean of the two middle values for an even count); NaN for no values.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    // Ranks 1..n of the values, ties sharing their average rank; tieGroups holds the size of each group of ties.
    private static double[] AverageRanks(double[] values, out List<int> tieGroups)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        tieGroups = [];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            double rank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) ranks[order[k]] = rank;
            if (end > start) tieGroups.Add(end - start + 1);
            start = end + 1;
        }
        return ranks;
    }

    // The share of the 2^n sign flips of the non-zero differences whose T+ reaches the observed one (SciPy's exact
    // permutation test; the tolerance matches its comparison of floating statistics).
    private static double SignFlipUpperTail(double[] ranks, double rPlus)
    {
        int n = ranks.Length;
        double tolerance = Math.Abs(rPlus) * 1e-14;
        long reached = 0;
        for (long pattern = 0; pattern < 1L << n; pattern++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++) if ((pattern >> i & 1) == 1) sum += ranks[i];
            if (sum >= rPlus - tolerance) reached++;
        }
        return reached / Math.Pow(2, n);
    }

    // P(T+ >= rPlus) under the null: each of the ranks 1..n is positive with probability 1/2, independently.
    private static double ExactUpperTail(int n, double rPlus)
    {
        int total = n * (n + 1) / 2;
        var counts = new double[total + 1]; // counts[s] = number of subsets of {1..n} summing to s
        counts[0] = 1;
        for (int rank = 1; rank <= n; rank++)
            for (int s = total; s >= rank; s--) counts[s] += counts[s - rank];
        double tail = 0;
        for (int s = (int)Math.Ceiling(rPlus); s <= total; s++) tail += counts[s];
        return tail / Math.Pow(2, n);
    }
}
