using Microsoft.Data.Analysis;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>The data of Figure A.15 (Exp 9): activations aligned on the correction token, across episodes.</summary>
/// <param name="Series">One row per offset from the correction token: <c>offset</c>, <c>n_episodes</c>, and for the
/// groups <c>otd</c> and <c>bt</c> their <c>_mean</c>, <c>_sd</c>, <c>_sem</c> and <c>_smoothed</c> (what experiment 9
/// saves as its aligned overlay).</param>
/// <param name="CorrectionLengths">Each episode's correction length in tokens (the faint spans).</param>
/// <param name="MedianCorrectionLength">Their median, 20 when there are none (places the "Correction (fading)" label).</param>
public sealed record CorrectionAlignedData(DataFrame Series, IReadOnlyList<int> CorrectionLengths, double MedianCorrectionLength);
