namespace Esr.Kernel;

/// <summary>
/// Writes a file so that readers see the old content or the new, never half of it: the one place the project does
/// it (results, manifests, caches, checkpoints, figures).
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// Creates <paramref name="path"/>'s folder, calls <paramref name="write"/> with a temporary path beside it (same
    /// file system, so the rename is atomic), then renames it over <paramref name="path"/>; the temporary file never
    /// outlives the call.
    /// </summary>
    public static void Write(string path, Action<string> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            write(temporary);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/> (UTF-8).</summary>
    public static void WriteAllText(string path, string text) => Write(path, temporary => File.WriteAllText(temporary, text));

    /// <summary>
    /// Replaces <paramref name="path"/> with <paramref name="text"/> (UTF-8), flushed to disk before the rename, for
    /// files a crash must not lose (run manifests and results).
    /// </summary>
    public static async Task WriteAllTextAsync(string path, string text, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                await using var writer = new StreamWriter(stream);
                await writer.WriteAsync(text.AsMemory(), cancellationToken).ConfigureAwait(false);
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
