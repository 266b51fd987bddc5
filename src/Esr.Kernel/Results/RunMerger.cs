namespace Esr.Kernel.Results;

/// <summary>
/// Merges run folders (the shards of one run, or earlier merges) into one: their manifests must agree on everything
/// but the shard; trials are united by key (the same key in two folders must be the same trial) and written in key
/// order, atomically. Merging again, or merging a merge with its parts, changes nothing.
/// </summary>
public static class RunMerger
{
    /// <summary>Merges <paramref name="sources"/> into <paramref name="destination"/> (which may already hold a merge).</summary>
    /// <returns>The number of trials in the merged run.</returns>
    /// <exception cref="InvalidDataException">A source has no manifest, manifests disagree (the message names the field), or one key holds two different trials.</exception>
    /// <exception cref="IOException">Another writer is using the destination.</exception>
    public static async Task<int> MergeAsync(IReadOnlyList<string> sources, string destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0) throw new ArgumentException("merge needs at least one run folder");
        var target = new RunStore(destination);
        using var writer = target.LockForWriting();
        var folders = sources.Select(s => new RunStore(s)).ToList();
        if (target.ReadManifest() is not null && !folders.Any(f => f.Directory == target.Directory)) folders.Add(target);
        RunManifest? merged = null;
        var byKey = new SortedDictionary<string, (TrialRecord Record, string Line, string From)>(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            var manifest = folder.ReadManifest() ?? throw new InvalidDataException($"{folder.ManifestPath}: missing; not a run folder");
            if (merged is null) merged = manifest with { Shard = null };
            else if (merged.FirstMismatch(manifest, ignoreShard: true) is { } field)
                throw new InvalidDataException($"{folder.ManifestPath}: a different run than {folders[0].ManifestPath} ({field} differs)");
            foreach (var record in folder.ReadTrials())
            {
                var line = TrialJson.Line(record);
                if (byKey.TryGetValue(record.Key, out var seen) && seen.Line != line)
                    throw new InvalidDataException($"trial '{record.Key}' differs between {seen.From} and {folder.TrialsPath}");
                byKey[record.Key] = (record, line, folder.TrialsPath);
            }
        }
        await target.WriteManifestAsync(merged!, cancellationToken).ConfigureAwait(false);
        var text = string.Concat(byKey.Values.Select(v => v.Line + "\n"));
        await AtomicFile.WriteAllTextAsync(target.TrialsPath, text, cancellationToken).ConfigureAwait(false);
        return byKey.Count;
    }
}
