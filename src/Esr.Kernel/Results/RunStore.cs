using System.Text;
using System.Text.Json;

namespace Esr.Kernel.Results;

/// <summary>
/// A run folder: <c>trials.jsonl</c>, append-only, one <see cref="TrialRecord"/> per line, and
/// <c>manifest.json</c>, the <see cref="RunManifest"/>; one writer at a time (<see cref="LockForWriting"/>). Appends
/// are flushed and fsynced per batch, so a process killed at any point leaves whole lines plus at most one torn last
/// line, which <see cref="ReadTrials"/> cuts off.
/// </summary>
public sealed class RunStore
{
    /// <summary>The trials file's name.</summary>
    public const string TrialsFile = "trials.jsonl";

    /// <summary>The manifest file's name.</summary>
    public const string ManifestFile = "manifest.json";

    /// <summary>Opens (and creates) a run folder.</summary>
    public RunStore(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (File.Exists(directory)) throw new IOException($"{directory} is a file; expected a run folder");
        Directory = System.IO.Directory.CreateDirectory(directory).FullName;
    }

    private RunLock? _writer;

    /// <summary>The run folder.</summary>
    public string Directory { get; }

    /// <summary>The trials file.</summary>
    public string TrialsPath => Path.Combine(Directory, TrialsFile);

    /// <summary>The manifest file.</summary>
    public string ManifestPath => Path.Combine(Directory, ManifestFile);

    /// <summary>True when the folder holds a run (a manifest or trials).</summary>
    public static bool Exists(string directory) =>
        File.Exists(Path.Combine(directory, ManifestFile)) || File.Exists(Path.Combine(directory, TrialsFile));

    /// <summary>
    /// Every stored trial, in file order, one per key: a key that appears again (two writers of an older build on one
    /// folder appended the same trials) keeps its first line, the one a resume would have skipped. A last line without
    /// its line break is a write not finished (by a killed run, or by a live one appending right now): it is not
    /// returned, and the file is left as it is, so reading a run that is still being written is safe. The writer cuts
    /// such a line off when it resumes (<see cref="StartOrResumeAsync"/>).
    /// </summary>
    /// <exception cref="InvalidDataException">A complete line is not a trial; the message names file and line.</exception>
    public IReadOnlyList<TrialRecord> ReadTrials()
    {
        if (!File.Exists(TrialsPath)) return [];
        var bytes = File.ReadAllBytes(TrialsPath);
        var complete = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        var records = new List<TrialRecord>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var lines = Encoding.UTF8.GetString(bytes, 0, complete).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            try
            {
                var record = TrialJson.Parse(lines[i]);
                if (keys.Add(record.Key)) records.Add(record);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{TrialsPath}, line {i + 1}: not a trial record ({e.Message})", e);
            }
        }
        return records;
    }

    /// <summary>Appends trials as whole lines and makes them durable (flush plus fsync) before returning.</summary>
    public async Task AppendAsync(IReadOnlyCollection<TrialRecord> records, CancellationToken cancellationToken = default)
    {
        if (records.Count == 0) return;
        var text = new StringBuilder();
        foreach (var record in records) text.Append(TrialJson.Line(record)).Append('\n');
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        // One write of whole lines: a kill can only tear the last of them, which the reader cuts off.
        await using var stream = new FileStream(TrialsPath, FileMode.Append, FileAccess.Write, FileShare.Read);
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Takes the folder's writer lock (<see cref="RunLock"/>); hold it while appending or writing the manifest. A
    /// front end takes it before loading a model, so a second writer fails at once; the experiment run takes
    /// it unless its store already holds it.
    /// </summary>
    /// <exception cref="IOException">Another writer holds the folder; the message names it.</exception>
    /// <exception cref="InvalidOperationException">This store already holds it.</exception>
    public RunLock LockForWriting() =>
        HoldsWriterLock ? throw new InvalidOperationException($"{Directory}: this store already holds its writer lock") : _writer = RunLock.Acquire(Directory);

    /// <summary>True while a lock from <see cref="LockForWriting"/> is held.</summary>
    public bool HoldsWriterLock => _writer is { IsHeld: true };

    /// <summary>The manifest, or null when none was written yet.</summary>
    /// <exception cref="InvalidDataException">The manifest is not valid JSON of a manifest.</exception>
    public RunManifest? ReadManifest()
    {
        if (!File.Exists(ManifestPath)) return null;
        try
        {
            return JsonSerializer.Deserialize<RunManifest>(File.ReadAllText(ManifestPath), TrialJson.Options)
                ?? throw new InvalidDataException($"{ManifestPath}: holds null; expected a run manifest object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{ManifestPath}: not a run manifest ({e.Message})", e);
        }
    }

    /// <summary>Writes the manifest atomically.</summary>
    public Task WriteManifestAsync(RunManifest manifest, CancellationToken cancellationToken = default) =>
        AtomicFile.WriteAllTextAsync(ManifestPath, JsonSerializer.Serialize(manifest, TrialJson.Indented), cancellationToken);

    /// <summary>
    /// The manifest of the run in this folder that <paramref name="fresh"/> continues, or null when the folder holds
    /// no run yet: no manifest, or the manifest of a start that stored no trial (it failed early, say its judge was
    /// unreachable), which a start of other settings may replace, as there is nothing of it to keep.
    /// </summary>
    /// <exception cref="InvalidDataException">The folder holds trials of a different run, or trials without a manifest.</exception>
    public RunManifest? Resumable(RunManifest fresh)
    {
        ArgumentNullException.ThrowIfNull(fresh);
        var hasTrials = File.Exists(TrialsPath) && new FileInfo(TrialsPath).Length > 0;
        if (ReadManifest() is not { } stored)
        {
            return hasTrials
                ? throw new InvalidDataException($"{TrialsPath}: trials without a manifest; refusing to add to a run of unknown settings")
                : null;
        }
        if (stored.FirstMismatch(fresh) is not { } field) return stored;
        return hasTrials
            ? throw new InvalidDataException($"{ManifestPath}: the folder holds a different run ({field} differs); use another --out folder or the same settings")
            : null;
    }

    /// <summary>
    /// Starts a run in this folder or resumes the one it holds (<see cref="Resumable"/>): for a new run, writes
    /// <paramref name="fresh"/>; otherwise returns the stored manifest (its boost levels, selected latents and creation
    /// time win) after cutting off a torn last line.
    /// </summary>
    /// <exception cref="InvalidDataException">The folder holds a different run; the message names the field.</exception>
    public async Task<RunManifest> StartOrResumeAsync(RunManifest fresh, CancellationToken cancellationToken = default)
    {
        if (Resumable(fresh) is { } stored)
        {
            CutTornLastLine();
            return stored;
        }
        await WriteManifestAsync(fresh, cancellationToken).ConfigureAwait(false);
        return fresh;
    }

    // A killed writer can leave one last line without its line break; cut it so the next append starts a clean line.
    private void CutTornLastLine()
    {
        if (!File.Exists(TrialsPath)) return;
        using var stream = new FileStream(TrialsPath, FileMode.Open, FileAccess.ReadWrite);
        var length = stream.Length;
        var end = length;
        while (end > 0)
        {
            stream.Position = end - 1;
            if (stream.ReadByte() == '\n') break;
            end--;
        }
        if (end == length) return;
        stream.SetLength(end);
        stream.Flush(flushToDisk: true);
    }
}
