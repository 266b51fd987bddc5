using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Esr.Kernel.Judging;

/// <summary>
/// JSON files on disk, one per key, named by the SHA-256 of the key's parts (length-prefixed, so no two keys collide
/// by concatenation) under a two-character fan-out folder. Each file is written to a unique temporary name and
/// renamed into place, so concurrent writers (threads or processes) never leave a torn file and the last complete
/// write wins. The store behind <see cref="JudgeCache"/> and <see cref="ConcretenessCache"/>.
/// </summary>
internal sealed class HashedJsonFiles
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public HashedJsonFiles(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    /// <summary>The lower-case hex SHA-256 of the parts.</summary>
    public static string Key(params string[] parts)
    {
        var builder = new StringBuilder();
        foreach (var part in parts) builder.Append(part.Length).Append(':').Append(part).Append('\n');
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString()))).ToLowerInvariant();
    }

    /// <summary>The stored value, or null on a miss or an unreadable file.</summary>
    public T? TryRead<T>(string key) where T : class
    {
        var path = PathOf(key);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Writes the value atomically (temporary file, then rename).</summary>
    public void Write<T>(string key, T value)
    {
        var path = PathOf(key);
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(value, Json));
    }

    private string PathOf(string key) => Path.Combine(Directory, key[..2], key + ".json");
}
