namespace Esr.Kernel.Judging;

/// <summary>
/// Concreteness scores on disk, one JSON file per (grader model, <see cref="JudgePrompt.Version"/>, label text), so a
/// label graded once is never sent again by the same grader with the same wording (ESR_SPEC §3 caches by label per
/// model; the prompt version is added so an override prompt does not reuse another wording's scores). Files are
/// written atomically and are safe with concurrent writers, as <see cref="JudgeCache"/>'s.
/// </summary>
public sealed class ConcretenessCache
{
    private readonly HashedJsonFiles _files;

    /// <summary>A cache under <paramref name="directory"/> (created when missing).</summary>
    public ConcretenessCache(string directory) => _files = new HashedJsonFiles(directory);

    /// <summary>The cache folder.</summary>
    public string Directory => _files.Directory;

    /// <summary>The cached score, or null on a miss or an unreadable file.</summary>
    public double? TryGet(string grader, string promptVersion, string label)
    {
        var entry = _files.TryRead<Entry>(HashedJsonFiles.Key(grader, promptVersion, label));
        return entry is not null && entry.Grader == grader && entry.PromptVersion == promptVersion && entry.Label == label
            ? entry.Score
            : null;
    }

    /// <summary>Stores a score the grader gave.</summary>
    public void Put(string grader, string promptVersion, string label, double score) =>
        _files.Write(HashedJsonFiles.Key(grader, promptVersion, label), new Entry(grader, promptVersion, label, score));

    private sealed record Entry(string Grader, string PromptVersion, string Label, double Score);
}
