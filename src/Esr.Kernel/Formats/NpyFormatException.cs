namespace Esr.Kernel.Formats;

/// <summary>A .npy file that cannot be used; the message names the file and, where there is one, the header field at fault.</summary>
public sealed class NpyFormatException(string path, string problem)
    : EsrInputException($"{path}: {problem}")
{
    /// <summary>The offending file.</summary>
    public string FilePath { get; } = path;
}
