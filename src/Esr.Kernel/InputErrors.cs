namespace Esr.Kernel;

/// <summary>Turns the file errors the lower layers throw for bad inputs into the one <see cref="EsrInputException"/>.</summary>
internal static class InputErrors
{
    /// <summary>Runs <paramref name="load"/>; a missing, malformed or unsupported file becomes an <see cref="EsrInputException"/> with its message.</summary>
    public static T Convert<T>(Func<T> load)
    {
        try
        {
            return load();
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException or InvalidDataException or NotSupportedException)
        {
            throw new EsrInputException(error.Message, error);
        }
    }
}
