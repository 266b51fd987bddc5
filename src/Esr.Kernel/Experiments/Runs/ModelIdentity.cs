using System.Security.Cryptography;
using System.Text;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>
/// A cheap, stable identity of a model folder or an SAE: SHA-256 over each relevant file's name and size plus its
/// identifying bytes: config.json, tokenizer.json and small files whole; a .safetensors file's JSON header (every
/// tensor's name, dtype, shape and offsets); any other large file's first and last MiB. Whole-file hashes of a
/// 140 GB checkpoint would take minutes per run start; a changed tensor layout, dtype, size, config or tokenizer
/// changes this hash, and a same-shape re-training changes the size-preserving edge bytes only with good
/// probability, which is the accepted trade-off.
/// </summary>
public static class ModelIdentity
{
    private const long WholeFileLimit = 4 << 20;
    private const int EdgeBytes = 1 << 20;
    private static readonly string[] Extensions = [".json", ".safetensors", ".npz", ".pt", ".pth", ".bin", ".jinja", ".model"];

    /// <summary>The hash of a folder (its model and tokenizer files) or of one file, as "sha256:hex".</summary>
    /// <exception cref="FileNotFoundException">The path does not exist.</exception>
    public static string Hash(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string[] files;
        string root;
        if (Directory.Exists(path))
        {
            root = path;
            files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                .Where(file => Extensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal).ToArray();
        }
        else if (File.Exists(path))
        {
            root = Path.GetDirectoryName(Path.GetFullPath(path))!;
            files = [Path.GetFullPath(path)];
        }
        else
        {
            throw new FileNotFoundException($"{path}: no such file or folder to identify", path);
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            var length = new FileInfo(file).Length;
            hash.AppendData(Encoding.UTF8.GetBytes($"{Path.GetRelativePath(root, file).Replace('\\', '/')}\n{length}\n"));
            AppendIdentifyingBytes(hash, file, length);
        }
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    // Configs and tokenizers are hashed whole whatever their size (a Llama-3 tokenizer.json is 9 MB).
    private static bool IsWeights(string file) =>
        Path.GetExtension(file).ToLowerInvariant() is ".safetensors" or ".npz" or ".pt" or ".pth" or ".bin";

    private static void AppendIdentifyingBytes(IncrementalHash hash, string file, long length)
    {
        using var stream = File.OpenRead(file);
        if (file.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) && length >= 8)
        {
            Span<byte> size = stackalloc byte[8];
            stream.ReadExactly(size);
            var headerLength = BitConverter.ToUInt64(size);
            if (headerLength <= (ulong)(length - 8) && headerLength <= 100_000_000)
            {
                var header = new byte[headerLength];
                stream.ReadExactly(header);
                hash.AppendData(header);
                return;
            }
            stream.Position = 0;
        }
        if (length <= WholeFileLimit || !IsWeights(file))
        {
            hash.AppendData(File.ReadAllBytes(file));
            return;
        }
        var edge = new byte[EdgeBytes];
        stream.ReadExactly(edge);
        hash.AppendData(edge);
        stream.Position = length - EdgeBytes;
        stream.ReadExactly(edge);
        hash.AppendData(edge);
    }
}
