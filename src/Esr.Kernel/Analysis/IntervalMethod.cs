namespace Esr.Kernel.Analysis;

/// <summary>How a proportion's confidence interval is formed.</summary>
public enum IntervalMethod
{
    /// <summary>p ± z·sqrt(p(1−p)/n), as the paper's figures.</summary>
    Wald,

    /// <summary>The Wilson score interval; stays inside [0, 1] and behaves at p = 0 or 1.</summary>
    Wilson,
}
