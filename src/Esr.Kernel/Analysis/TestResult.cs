namespace Esr.Kernel.Analysis;

/// <summary>A hypothesis test's statistic and p-value.</summary>
/// <param name="Statistic">The test statistic (e.g. the Wilcoxon T+ or Student's t).</param>
/// <param name="PValue">The p-value of the test's alternative.</param>
public sealed record TestResult(double Statistic, double PValue);
