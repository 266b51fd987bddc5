namespace Esr.Kernel.Saes;

/// <summary>A latent-label CSV that cannot be read; the message names the file, the line and, where there is one, the field.</summary>
public sealed class LatentLabelFormatException(string path, int line, string problem)
    : EsrInputException($"{path}:{line}: {problem}")
{
    /// <summary>The CSV file.</summary>
    public string FilePath { get; } = path;

    /// <summary>The 1-based line the faulty record starts on.</summary>
    public int Line { get; } = line;
}
