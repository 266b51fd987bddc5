namespace Esr.Kernel.Analysis;

/// <summary>
/// The area under the ROC curve of a score separating positives from negatives, as the Mann-Whitney statistic
/// U / (n₊ n₋): the chance that a random positive scores above a random negative, ties counted half.
/// </summary>
public static class MannWhitneyAuc
{
    /// <summary>The AUC: 1 when every positive is above every negative, 0 when below, 0.5 when all are equal.</summary>
    /// <exception cref="ArgumentException">A side is empty.</exception>
    public static double Of(IReadOnlyCollection<float> positives, IReadOnlyCollection<float> negatives)
    {
        ArgumentNullException.ThrowIfNull(positives);
        ArgumentNullException.ThrowIfNull(negatives);
        if (positives.Count == 0 || negatives.Count == 0) throw new ArgumentException("the AUC needs at least one positive and one negative");
        var above = positives.ToArray();
        var below = negatives.ToArray();
        Array.Sort(above);
        Array.Sort(below);
        // Walk the positives' distinct values upwards; `less` and `equal` only move forward through the negatives.
        double wins = 0;
        for (int i = 0, less = 0; i < above.Length;)
        {
            var value = above[i];
            while (less < below.Length && below[less] < value) less++;
            var equal = less;
            while (equal < below.Length && below[equal] == value) equal++;
            var tied = i;
            while (i < above.Length && above[i] == value) i++;
            wins += (i - tied) * (less + 0.5 * (equal - less));
        }
        return wins / ((double)above.Length * below.Length);
    }
}
