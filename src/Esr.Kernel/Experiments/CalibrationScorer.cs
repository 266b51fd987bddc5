namespace Esr.Kernel.Experiments;

/// <summary>Generates at a boost with a fresh seed and judges the response.</summary>
/// <param name="boost">The steering boost.</param>
/// <param name="sample">0-based index of the sample within the step, e.g. to pick prompts without replacement.</param>
/// <param name="cancellationToken">Cancels the work.</param>
public delegate Task<CalibrationSample> CalibrationScorer(double boost, int sample, CancellationToken cancellationToken);
