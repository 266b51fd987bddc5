using System.Globalization;

namespace Esr.Kernel.Results;

/// <summary>
/// A writer's exclusive hold on a run folder: <c>run.lock</c> open with no sharing for as long as the run writes,
/// so a second writer (another process resuming the same folder, or a merge into it) fails at once instead of
/// appending the same trials again. The operating system drops the hold when the process ends, however it ends, so
/// the file a killed run leaves behind blocks nothing. Who holds it is written to <c>run.lock.holder</c>: the refused
/// writer cannot read the locked file itself.
/// </summary>
public sealed class RunLock : IDisposable
{
    /// <summary>The file held open while a writer runs.</summary>
    public const string LockFile = "run.lock";

    /// <summary>The holder's description (process id, host, start time), for the refused writer's message.</summary>
    public const string HolderFile = "run.lock.holder";

    private readonly FileStream _handle;

    private RunLock(FileStream handle) => _handle = handle;

    /// <summary>Takes the hold on <paramref name="directory"/> (an existing folder).</summary>
    /// <exception cref="IOException">Another writer holds the folder; the message names it.</exception>
    public static RunLock Acquire(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var path = Path.Combine(directory, LockFile);
        var holder = Path.Combine(directory, HolderFile);
        FileStream handle;
        try
        {
            handle = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        // A sharing violation is a plain IOException; its subclasses (no such folder, path too long) are other failures.
        catch (IOException e) when (e.GetType() == typeof(IOException))
        {
            var who = File.Exists(holder) ? File.ReadAllText(holder).Trim() : "holder unknown";
            throw new IOException($"{path}: another writer is using this run folder ({who}); wait for it to end or use another --out folder", e);
        }
        try
        {
            AtomicFile.WriteAllText(holder, string.Create(CultureInfo.InvariantCulture,
                $"pid {Environment.ProcessId} on {Environment.MachineName}, since {DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ}\n"));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
        return new RunLock(handle);
    }

    /// <summary>True until disposed.</summary>
    public bool IsHeld { get; private set; } = true;

    /// <summary>Releases the hold (the files stay; the next writer reuses them).</summary>
    public void Dispose()
    {
        IsHeld = false;
        _handle.Dispose();
    }
}
