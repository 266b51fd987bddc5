namespace Esr.Kernel.Saes;

/// <summary>How an SAE turns encoder pre-activations into latent activations.</summary>
public enum SaeArchitecture
{
    /// <summary>ReLU(pre): Goodfire SAEs and SAELens "standard".</summary>
    Standard,

    /// <summary>ReLU(pre) where pre exceeds the latent's threshold, else 0: GemmaScope and SAELens "jumprelu".</summary>
    JumpRelu,

    /// <summary>The k largest pre-activations per token, ReLU'd, all others 0: SAELens "topk".</summary>
    TopK,
}
