namespace Esr.Kernel.Models;

/// <summary>The decoder families the engine implements, named by Hugging Face <c>model_type</c>.</summary>
public enum ModelArchitecture
{
    /// <summary>Llama 3.0 / 3.1 / 3.3 (<c>model_type</c> "llama").</summary>
    Llama,

    /// <summary>Gemma 2 (<c>model_type</c> "gemma2").</summary>
    Gemma2,
}
