namespace Esr.Kernel;

/// <summary>
/// File and folder names built from data (model names, judge aliases, condition keys), the one place the project
/// makes them safe: such a name must never reach another folder ("../../x", "meta-llama/x").
/// </summary>
public static class SafeFileName
{
    /// <summary>
    /// <paramref name="text"/> as one path component: every character other than an ASCII letter, a digit, '.', '-'
    /// or '_' becomes '_', and a name of dots only (or the empty name) becomes "_".
    /// </summary>
    public static string From(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var safe = string.Concat(text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'));
        return safe.Trim('.').Length == 0 ? "_" : safe;
    }

    /// <summary>
    /// The full path of <paramref name="fileName"/> directly inside <paramref name="directory"/>, checked: a name that
    /// would land anywhere else (a separator, "..", a rooted path) is refused.
    /// </summary>
    /// <exception cref="ArgumentException">The name does not stay inside the folder.</exception>
    public static string Inside(string directory, string fileName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(fileName);
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        var full = Path.GetFullPath(Path.Combine(root, fileName));
        return Path.GetDirectoryName(full) == root && Path.GetFileName(full) == fileName
            ? full
            : throw new ArgumentException($"file name '{fileName}' does not stay inside {root}", nameof(fileName));
    }
}
