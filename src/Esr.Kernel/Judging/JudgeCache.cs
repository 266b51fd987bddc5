namespace Esr.Kernel.Judging;

/// <summary>
/// Successful verdicts on disk, one JSON file per key, keyed by (judge name, prompt, response, feature label,
/// <see cref="JudgePrompt.Version"/>). Each file is written to a unique temporary name and renamed into place, so
/// concurrent writers (threads or processes) never leave a torn file and the last complete write wins. Files hold
/// the request and the verdict only, never keys or headers. Errored verdicts are not stored, so a re-run retries them.
/// </summary>
public sealed class JudgeCache
{
    private readonly HashedJsonFiles _files;

    /// <summary>A cache under <paramref name="directory"/> (created when missing).</summary>
    public JudgeCache(string directory) => _files = new HashedJsonFiles(directory);

    /// <summary>The cache folder.</summary>
    public string Directory => _files.Directory;

    /// <summary>The hex SHA-256 of the key fields, length-prefixed so no two keys collide by concatenation.</summary>
    public static string Key(string judgeName, string promptVersion, JudgeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return HashedJsonFiles.Key(judgeName, promptVersion, request.Prompt, request.Response, request.FeatureLabel);
    }

    /// <summary>The cached verdict, or null on a miss or an unreadable file.</summary>
    public JudgeVerdict? TryGet(string judgeName, string promptVersion, JudgeRequest request)
    {
        var entry = _files.TryRead<Entry>(Key(judgeName, promptVersion, request));
        if (entry is null || entry.Judge != judgeName || entry.PromptVersion != promptVersion) return null;
        return new JudgeVerdict(entry.Attempts?.Select(a => new Attempt(a.Text, a.Score)).ToList(), entry.RawReply, null);
    }

    /// <summary>Stores a successful verdict; errored ones are ignored.</summary>
    public void Put(string judgeName, string promptVersion, JudgeRequest request, JudgeVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        if (!verdict.Succeeded) return;
        var entry = new Entry(judgeName, promptVersion, request.Prompt, request.Response, request.FeatureLabel,
            verdict.Attempts?.Select(a => new EntryAttempt(a.Text, a.Score)).ToList(), verdict.RawReply);
        _files.Write(Key(judgeName, promptVersion, request), entry);
    }

    private sealed record Entry(
        string Judge, string PromptVersion, string Prompt, string Response, string FeatureLabel,
        List<EntryAttempt>? Attempts, string? RawReply);

    private sealed record EntryAttempt(string Text, double? Score);
}
