namespace Esr.Kernel;

/// <summary>What a model name given to <see cref="Workbench.Load"/> turned out to be.</summary>
public enum ModelReferenceKind
{
    /// <summary>An existing model directory.</summary>
    Directory,

    /// <summary>A model of the toy zoo, e.g. "toy-m-sa60".</summary>
    Toy,

    /// <summary>One of the paper's configurations, e.g. "llama-3.1-8b", found in the Hugging Face cache.</summary>
    Paper,

    /// <summary>A Hugging Face id ("org/name") found in the Hugging Face cache.</summary>
    HuggingFace,
}
