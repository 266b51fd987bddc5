namespace Esr.Kernel.Saes;

/// <summary>An SAE file or folder that cannot be used; the message names the file and, where there is one, the field at fault.</summary>
public sealed class SaeFormatException(string path, string problem)
    : EsrInputException($"{path}: {problem}")
{
    /// <summary>The offending file or folder.</summary>
    public string FilePath { get; } = path;
}
