using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Esr.Kernel.Formats;

/// <summary>
/// The weights of a Hugging Face model directory: <c>model.safetensors</c>, or the shards that
/// <c>model.safetensors.index.json</c> lists. Tensors are read one at a time.
/// </summary>
public sealed partial class Checkpoint : IDisposable
{
    private readonly Dictionary<string, SafetensorsFile> _fileOfTensor;
    private readonly List<SafetensorsFile> _files;

    private Checkpoint(List<SafetensorsFile> files, Dictionary<string, SafetensorsFile> fileOfTensor)
    {
        _files = files;
        _fileOfTensor = fileOfTensor;
    }

    /// <summary>The names of every tensor in the checkpoint.</summary>
    public IEnumerable<string> TensorNames => _fileOfTensor.Keys;

    /// <summary>Total bytes of tensor data.</summary>
    public long DataBytes => _fileOfTensor.Values.Distinct().Sum(file => file.Entries.Values.Sum(entry => entry.End - entry.Begin));

    /// <summary>Opens the weights of a model directory and checks that every shard exists and is well formed.</summary>
    public static Checkpoint Open(string modelDirectory)
    {
        var single = Path.Combine(modelDirectory, "model.safetensors");
        var index = Path.Combine(modelDirectory, "model.safetensors.index.json");
        if (File.Exists(single))
        {
            var file = SafetensorsFile.Open(single);
            return new Checkpoint([file], file.Entries.Keys.ToDictionary(name => name, _ => file));
        }
        if (!File.Exists(index))
            throw new ModelFormatException(modelDirectory, "no model.safetensors or model.safetensors.index.json in the model directory");
        return OpenSharded(modelDirectory, index);
    }

    private static Checkpoint OpenSharded(string modelDirectory, string indexPath)
    {
        Dictionary<string, string> shardOfTensor;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(indexPath));
            if (!document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new ModelFormatException(indexPath, "field 'weight_map' is missing or not an object");
            shardOfTensor = map.EnumerateObject().ToDictionary(
                entry => entry.Name,
                entry => entry.Value.ValueKind == JsonValueKind.String
                    ? entry.Value.GetString()!
                    : throw new ModelFormatException(indexPath, $"field 'weight_map.{entry.Name}' is not a file name"));
        }
        catch (JsonException error)
        {
            throw new ModelFormatException(indexPath, $"not valid JSON: {error.Message}");
        }

        var files = new Dictionary<string, SafetensorsFile>();
        try
        {
            foreach (var shard in shardOfTensor.Values.Distinct())
            {
                var shardPath = Path.Combine(modelDirectory, shard);
                if (!File.Exists(shardPath))
                    throw new ModelFormatException(indexPath, $"shard '{shard}' listed in 'weight_map' is missing from {modelDirectory}");
                files[shard] = SafetensorsFile.Open(shardPath);
            }
            foreach (var (tensor, shard) in shardOfTensor)
            {
                if (!files[shard].Entries.ContainsKey(tensor))
                    throw new ModelFormatException(files[shard].Path, $"tensor '{tensor}' is listed for this shard in model.safetensors.index.json but is not in it");
            }
        }
        catch
        {
            foreach (var file in files.Values) file.Dispose();
            throw;
        }
        return new Checkpoint(files.Values.ToList(), shardOfTensor.ToDictionary(entry => entry.Key, entry => files[entry.Value]));
    }

    /// <summary>
    /// Refuses tensors of decoder blocks beyond the config's (<c>model.layers.N.*</c> with N ≥ num_hidden_layers):
    /// the model would run without them, silently another network than the checkpoint's.
    /// </summary>
    /// <exception cref="ModelFormatException">Names the first such tensor and the config field.</exception>
    public void EnsureNoBlocksBeyond(int layerCount, string configPath)
    {
        foreach (var (name, file) in _fileOfTensor)
        {
            if (BlockOf().Match(name) is { Success: true } match && long.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture) >= layerCount)
                throw new ModelFormatException(file.Path,
                    $"tensor '{name}' belongs to block {match.Groups[1].Value} but {configPath} field 'num_hidden_layers' is {layerCount} (blocks 0 to {layerCount - 1})");
        }
    }

    [GeneratedRegex(@"^model\.layers\.(\d{1,18})\.")]
    private static partial Regex BlockOf();

    /// <summary>Whether the checkpoint holds a tensor.</summary>
    public bool Contains(string name) => _fileOfTensor.ContainsKey(name);

    /// <summary>The header entry of a tensor, and the file holding it.</summary>
    public (SafetensorsFile File, SafetensorsEntry Entry) Find(string name, string whyExpected) =>
        _fileOfTensor.TryGetValue(name, out var file)
            ? (file, file.Entries[name])
            : throw new ModelFormatException(_files[0].Path, $"tensor '{name}' is missing ({whyExpected})");

    /// <summary>Reads a tensor into a destination of its shape, converting dtype if needed.</summary>
    public void ReadInto(string name, Tensor destination, string whyExpected)
    {
        var (file, _) = Find(name, whyExpected);
        file.ReadInto(name, destination);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var file in _files) file.Dispose();
    }
}
