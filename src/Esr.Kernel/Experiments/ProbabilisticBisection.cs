namespace Esr.Kernel.Experiments;

/// <summary>
/// Probabilistic bisection (Waeber, Frazier and Henderson 2011) on a grid with a Gaussian prior, with the
/// observation model of ESR_SPEC §4: a noisy score s becomes a direction and a confidence through a
/// Beta(0.5 + w·s, 0.5 + w·(1 − s)) belief about the true score.
/// </summary>
public sealed class ProbabilisticBisection
{
    private readonly double[] _grid;          // [GridSize] boosts, evenly spaced from Lower to Upper
    private readonly double[] _logPosterior;  // [GridSize] log density, max 0
    private readonly double _target;
    private readonly double _weight;

    /// <summary>Starts from the prior of <paramref name="settings"/>.</summary>
    public ProbabilisticBisection(ThresholdSearchSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.GridSize < 2) throw new ArgumentOutOfRangeException(nameof(settings), "GridSize must be at least 2.");
        if (!(settings.Upper > settings.Lower)) throw new ArgumentOutOfRangeException(nameof(settings), "Upper must exceed Lower.");
        if (!(settings.PriorStd > 0)) throw new ArgumentOutOfRangeException(nameof(settings), "PriorStd must be positive.");
        _target = settings.Target;
        _weight = settings.ObservationWeight;
        int n = settings.GridSize;
        _grid = new double[n];
        double step = (settings.Upper - settings.Lower) / (n - 1);
        for (int j = 0; j < n; j++) _grid[j] = settings.Lower + j * step;
        _grid[^1] = settings.Upper;  // exact end point, as numpy's linspace

        var logPrior = _grid.Select(x =>
        {
            double u = (x - settings.PriorMean) / settings.PriorStd;
            return -0.5 * u * u - Math.Log(settings.PriorStd * Math.Sqrt(2 * Math.PI));
        }).ToArray();
        // Normalised to a discrete distribution on the grid, then back to logs.
        var probabilities = Normalised(logPrior);
        _logPosterior = probabilities.Select(p => Math.Log(p)).ToArray();
        SubtractMax(_logPosterior);
    }

    /// <summary>The grid of candidate thresholds.</summary>
    public IReadOnlyList<double> Grid => _grid;

    /// <summary>The posterior as probabilities on the grid (sums to 1).</summary>
    public double[] Posterior() => Normalised(_logPosterior);

    /// <summary>The posterior median: the first grid value whose cumulative probability reaches 0.5.</summary>
    public double Median()
    {
        var probabilities = Normalised(_logPosterior);
        double cumulative = 0;
        for (int j = 0; j < probabilities.Length; j++)
        {
            cumulative += probabilities[j];
            if (cumulative >= 0.5) return _grid[j];
        }
        return _grid[^1];  // only reachable through rounding in the sum
    }

    /// <summary>The direction and confidence a score gives, without changing the posterior.</summary>
    public (int Direction, double Confidence) Observe(double score)
    {
        int direction = score >= _target ? +1 : -1;
        double below = BetaDistribution.Cdf(_target, 0.5 + _weight * score, 0.5 + _weight * (1 - score));
        double p = direction == +1 ? 1 - below : below;
        if (p < 0.5)
        {
            direction = -direction;
            p = 1 - p;
        }
        return (direction, p);
    }

    /// <summary>Updates the posterior with the score observed at <paramref name="boost"/>.</summary>
    public BisectionStep Update(double boost, double score)
    {
        var (direction, p) = Observe(score);
        double agree = Math.Log(p), disagree = Math.Log(1 - p);
        int index = LeftInsertionIndex(boost);
        for (int j = 0; j < _grid.Length; j++)
        {
            // Points on the side the observation points to gain log p; the others log(1 − p); the scored point half of each.
            double add = j == index ? 0.5 * (agree + disagree)
                : (j < index) == (direction == -1) ? agree : disagree;
            _logPosterior[j] += add;
        }
        SubtractMax(_logPosterior);
        return new BisectionStep(boost, score, direction, p);
    }

    private int LeftInsertionIndex(double value)
    {
        int low = 0, high = _grid.Length;
        while (low < high)
        {
            int middle = (low + high) / 2;
            if (_grid[middle] < value) low = middle + 1;
            else high = middle;
        }
        return low;
    }

    private static double[] Normalised(double[] logValues)
    {
        double max = logValues.Max();
        var values = logValues.Select(v => Math.Exp(v - max)).ToArray();
        double sum = values.Sum();
        for (int j = 0; j < values.Length; j++) values[j] /= sum;
        return values;
    }

    private static void SubtractMax(double[] values)
    {
        double max = values.Max();
        for (int j = 0; j < values.Length; j++) values[j] -= max;
    }
}
