using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Esr.Kernel.Judging;

/// <summary>
/// Successful verdicts on disk, one JSON file per key, keyed by (judge name, prompt, response, feature label,
/// <see cref="JudgePrompt.Version"/>). Each file is written to a unique temporary name and renamed into place, so
/// concurrent writers (threads or processes) never leave a torn file and the last complete write wins. Files hold
/// the request and the verdict only, never keys or headers. Errored verdicts are not stored, so a re-run retries them.
/// </summary>
public sealed class JudgeCache
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>A cache under <paramref name="directory"/> (created when missing).</summary>
    public JudgeCache(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
    }

    /// <summary>The cache folder.</summary>
    public string Directory { get; }

    /// <summary>The hex SHA-256 of the key fields, length-prefixed so no two keys collide by concatenation.</summary>
    public static string Key(string judgeName, string promptVersion, JudgeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var builder = new StringBuilder();
        foreach (var part in new[] { judgeName, promptVersion, request.Prompt, request.Response, request.FeatureLabel })
            builder.Append(part.Length).Append(':').Append(part).Append('\n');
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString()))).ToLowerInvariant();
    }

    /// <summary>The cached verdict, or null on a miss or an unreadable file.</summary>
    public JudgeVerdict? TryGet(string judgeName, string promptVersion, JudgeRequest request)
    {
        var path = PathOf(Key(judgeName, promptVersion, request));
        if (!File.Exists(path)) return null;
        try
        {
            var entry = JsonSerializer.Deserialize<Entry>(File.ReadAllText(path), Json);
            if (entry is null || entry.Judge != judgeName || entry.PromptVersion != promptVersion) return null;
            return new JudgeVerdict(entry.Attempts?.Select(a => new Attempt(a.Text, a.Score)).ToList(), entry.RawReply, null);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Stores a successful verdict; errored ones are ignored.</summary>
    public void Put(string judgeName, string promptVersion, JudgeRequest request, JudgeVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        if (!verdict.Succeeded) return;
        var entry = new Entry(judgeName, promptVersion, request.Prompt, request.Response, request.FeatureLabel,
            verdict.Attempts?.Select(a => new EntryAttempt(a.Text, a.Score)).ToList(), verdict.RawReply);
        var path = PathOf(Key(judgeName, promptVersion, request));
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllText(temp, JsonSerializer.Serialize(entry, Json));
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private string PathOf(string key) => Path.Combine(Directory, key[..2], key + ".json");

    private sealed record Entry(
        string Judge, string PromptVersion, string Prompt, string Response, string FeatureLabel,
        List<EntryAttempt>? Attempts, string? RawReply);

    private sealed record EntryAttempt(string Text, double? Score);
}
