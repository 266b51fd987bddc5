namespace Esr.Kernel.Experiments.Detectors;

/// <summary>A random permutation without fixed points, drawn by rejection as the paper does (ESR_SPEC §7.1 step 2).</summary>
public static class Derangement
{
    /// <summary>Shuffles 0..n−1 until no index maps to itself.</summary>
    /// <exception cref="ArgumentOutOfRangeException">n &lt; 2 (no derangement exists).</exception>
    public static int[] Draw(int n, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 2);
        ArgumentNullException.ThrowIfNull(random);
        var permutation = Enumerable.Range(0, n).ToArray();
        do random.Shuffle(permutation);
        while (permutation.Where((target, index) => target == index).Any());
        return permutation;
    }
}
