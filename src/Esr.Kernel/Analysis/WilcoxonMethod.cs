namespace Esr.Kernel.Analysis;

/// <summary>Which null distribution <see cref="PairedTests.WilcoxonGreater"/> takes its p-value from.</summary>
public enum WilcoxonMethod
{
    /// <summary>
    /// SciPy up to 1.12 (<c>method="auto"</c>): the exact distribution when at most 50 differences, none zero and no
    /// tied magnitudes; otherwise the normal approximation.
    /// </summary>
    ExactOrNormal,

    /// <summary>
    /// Recent SciPy releases (<c>method="auto"</c> after SciPy's issue 19872): as <see cref="ExactOrNormal"/>, except
    /// that with zeros or ties and at most 13 differences every sign flip is enumerated (an exact permutation test).
    /// </summary>
    SmallSamplePermutation,
}
