using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Esr.LlamaCpp;

/// <summary>
/// A Hugging Face checkpoint directory as the exporter sees it: the parsed config.json, and every tensor's file,
/// dtype and shape from the safetensors headers. Data is read one tensor at a time through TorchSharp.PyBridge.
/// Deliberately separate from the engine's own loader, so the reference does not share its bugs.
/// </summary>
internal sealed class HuggingFaceCheckpoint
{
    private readonly Dictionary<string, (string File, string DType, long[] Shape)> _tensors;

    private HuggingFaceCheckpoint(JsonObject config, Dictionary<string, (string, string, long[])> tensors)
    {
        Config = config;
        _tensors = tensors;
    }

    /// <summary>config.json.</summary>
    public JsonObject Config { get; }

    /// <summary>Tensor names in the checkpoint.</summary>
    public IEnumerable<string> TensorNames => _tensors.Keys;

    public static HuggingFaceCheckpoint Open(string directory)
    {
        var configPath = Path.Combine(directory, "config.json");
        if (!File.Exists(configPath)) throw new FileNotFoundException($"No config.json in {directory}.", configPath);
        var config = JsonNode.Parse(File.ReadAllText(configPath))?.AsObject() ?? throw new InvalidDataException($"{configPath} is empty.");

        var files = new List<string>();
        var single = Path.Combine(directory, "model.safetensors");
        var index = Path.Combine(directory, "model.safetensors.index.json");
        if (File.Exists(single)) files.Add(single);
        else if (File.Exists(index))
        {
            var weightMap = JsonNode.Parse(File.ReadAllText(index))?["weight_map"]?.AsObject()
                ?? throw new InvalidDataException($"{index} has no weight_map.");
            files.AddRange(weightMap.Select(entry => Path.Combine(directory, entry.Value!.GetValue<string>())).Distinct());
        }
        else throw new FileNotFoundException($"Neither model.safetensors nor model.safetensors.index.json in {directory}.");

        var tensors = new Dictionary<string, (string, string, long[])>();
        foreach (var file in files)
            foreach (var (name, dtype, shape) in ReadHeader(file))
                tensors[name] = (file, dtype, shape);
        return new HuggingFaceCheckpoint(config, tensors);
    }

    public bool Contains(string name) => _tensors.ContainsKey(name);

    public long[] Shape(string name) => Entry(name).Shape;

    /// <summary>Loads one tensor as float32 (F32 and BF16 are accepted; BF16 widens exactly).</summary>
    public Tensor Load(string name)
    {
        var (file, dtype, _) = Entry(name);
        if (dtype is not ("F32" or "BF16" or "F16")) throw new NotSupportedException($"Tensor '{name}' has dtype {dtype}; the exporter reads F32, BF16 and F16.");
        var loaded = Safetensors.LoadStateDict(file, [name]);
        var tensor = loaded[name];
        return tensor.dtype == ScalarType.Float32 ? tensor : tensor.to_type(ScalarType.Float32);
    }

    private (string File, string DType, long[] Shape) Entry(string name) =>
        _tensors.TryGetValue(name, out var entry) ? entry : throw new KeyNotFoundException($"The checkpoint has no tensor '{name}'.");

    /// <summary>A safetensors file starts with a u64 header length and a JSON header of name → dtype, shape, offsets.</summary>
    private static IEnumerable<(string Name, string DType, long[] Shape)> ReadHeader(string file)
    {
        using var stream = File.OpenRead(file);
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        var header = new byte[checked((int)BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes))];
        stream.ReadExactly(header);
        using var json = JsonDocument.Parse(header);
        var result = new List<(string, string, long[])>();
        foreach (var property in json.RootElement.EnumerateObject())
        {
            if (property.Name == "__metadata__") continue;
            var dtype = property.Value.GetProperty("dtype").GetString() ?? "";
            var shape = property.Value.GetProperty("shape").EnumerateArray().Select(size => size.GetInt64()).ToArray();
            result.Add((property.Name, dtype, shape));
        }
        return result;
    }
}
