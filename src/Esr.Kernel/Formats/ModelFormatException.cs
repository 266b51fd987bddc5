namespace Esr.Kernel.Formats;

/// <summary>A model, tokenizer or checkpoint file that cannot be used; the message names the file and what is wrong.</summary>
public sealed class ModelFormatException(string path, string problem)
    : EsrInputException($"{path}: {problem}")
{
    /// <summary>The offending file.</summary>
    public string FilePath { get; } = path;
}
