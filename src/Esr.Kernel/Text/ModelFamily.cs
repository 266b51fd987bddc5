namespace Esr.Kernel.Text;

/// <summary>The model families whose chat format this namespace knows, by config.json <c>model_type</c>.</summary>
internal enum ModelFamily
{
    /// <summary><c>model_type</c> "llama": Llama-3.0, 3.1, 3.3 (and the toy world, which uses their tokens).</summary>
    Llama,

    /// <summary><c>model_type</c> "gemma2".</summary>
    Gemma2,
}
