namespace Esr.Kernel.Analysis.Figures;

/// <summary>Fixed-edge histograms with numpy's conventions (bins closed on the left, the last also on the right).</summary>
public static class Histogram
{
    /// <summary>
    /// Edges of width <paramref name="width"/> whose bin centres are low, low + width, …, high: the Figure-2 bins
    /// (width 200/30 from −100 to 100 shifted by half a bin, so 0 is a bin centre and ±100 are centres too).
    /// </summary>
    public static double[] CentredEdges(double low, double high, double width)
    {
        int bins = (int)Math.Round((high - low) / width) + 1;
        return Enumerable.Range(0, bins + 1).Select(i => low - width / 2 + i * width).ToArray();
    }

    /// <summary><paramref name="count"/> evenly spaced edges from low to high inclusive (numpy.linspace).</summary>
    public static double[] LinearEdges(double low, double high, int count) =>
        Enumerable.Range(0, count).Select(i => i == count - 1 ? high : low + i * (high - low) / (count - 1)).ToArray();

    /// <summary>Counts per bin; values outside the edges are ignored.</summary>
    public static int[] Counts(IEnumerable<double> values, IReadOnlyList<double> edges)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (edges.Count < 2) throw new ArgumentException("A histogram needs at least two edges.", nameof(edges));
        var counts = new int[edges.Count - 1];
        foreach (var v in values)
        {
            if (v < edges[0] || v > edges[^1]) continue;
            int bin = v == edges[^1] ? counts.Length - 1 : UpperBound(edges, v) - 1;
            counts[bin]++;
        }
        return counts;
    }

    /// <summary>
    /// Densities: count / (in-range total · bin width), so the bars integrate to 1 (numpy density=True); all zero
    /// when no value is in range.
    /// </summary>
    public static double[] Densities(IReadOnlyList<int> counts, IReadOnlyList<double> edges)
    {
        int total = counts.Sum();
        return counts.Select((c, i) => total == 0 ? 0 : c / (total * (edges[i + 1] - edges[i]))).ToArray();
    }

    // First edge index whose edge is greater than v.
    private static int UpperBound(IReadOnlyList<double> edges, double v)
    {
        int lo = 0, hi = edges.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (edges[mid] <= v) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
