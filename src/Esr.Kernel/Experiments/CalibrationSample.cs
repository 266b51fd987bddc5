namespace Esr.Kernel.Experiments;

/// <summary>The outcome of one generate-and-judge during calibration.</summary>
/// <param name="Score">The normalised first-attempt score (attempts[0].score / 100) when the judge graded one.</param>
/// <param name="Error">The judge's error when the call failed.</param>
/// <remarks>Neither set means the judge found no attempt (an empty attempts list).</remarks>
public sealed record CalibrationSample(double? Score, string? Error = null)
{
    /// <summary>A graded sample.</summary>
    public static CalibrationSample Scored(double score) => new(score);

    /// <summary>The judge returned an empty attempts list.</summary>
    public static CalibrationSample NoAttempts { get; } = new((double?)null);

    /// <summary>The judge call failed.</summary>
    public static CalibrationSample Failed(string error) => new(null, error);
}
