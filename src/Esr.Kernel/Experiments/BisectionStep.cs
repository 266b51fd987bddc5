namespace Esr.Kernel.Experiments;

/// <summary>One update of the bisection.</summary>
/// <param name="Boost">The boost that was scored (the median before the update).</param>
/// <param name="Score">The observed score, 0-1.</param>
/// <param name="Direction">+1 when the threshold lies above <paramref name="Boost"/>, −1 when below.</param>
/// <param name="Confidence">p: the Beta mass on that side of the target, at least 0.5.</param>
public sealed record BisectionStep(double Boost, double Score, int Direction, double Confidence);
