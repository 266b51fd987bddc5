namespace Esr.Kernel.Experiments.Runs;

/// <summary>How the relevance filter of latent selection (ESR_SPEC §3 step 3) decides.</summary>
public enum RelevanceRule
{
    /// <summary>The shipped code's rule: keep a latent only if its max activation is exactly 0 on every prompt.</summary>
    AllZero,

    /// <summary>The paper notes' rule: drop the 100 most activated latents of each prompt.</summary>
    Top100,

    /// <summary>No relevance filter.</summary>
    None,
}
