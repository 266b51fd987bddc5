using System.Runtime.InteropServices;
using System.Text;

namespace Esr.LlamaCpp;

/// <summary>
/// Writes GGUF version 3 files: metadata key/values, a tensor table, and 32-byte aligned F32 tensor data.
/// Metadata and tensor declarations are collected first; <see cref="WriteTo(string)"/> then writes the header
/// and asks each tensor's producer for its data one at a time, so a file is never held in memory whole.
/// </summary>
/// <remarks>
/// Layout written (little endian): magic "GGUF", version 3, tensor count (u64), metadata count (u64), the
/// metadata (key string, u32 type tag, value), the tensor infos (name, u32 dimension count, u64 dimensions
/// innermost first, u32 ggml type, u64 offset into the data section), zero padding to the alignment, then each
/// tensor's data padded to the alignment. Strings are a u64 byte length followed by UTF-8 bytes.
/// </remarks>
public sealed class GgufWriter
{
    /// <summary>The data alignment GGUF readers assume when <c>general.alignment</c> is absent.</summary>
    public const int Alignment = 32;

    private readonly List<(string Key, GgufValueType Type, Action<BinaryWriter> WriteValue)> _metadata = [];
    private readonly List<(string Name, long[] Shape, Func<float[]> Produce)> _tensors = [];
    private readonly HashSet<string> _keys = [];
    private readonly HashSet<string> _tensorNames = [];

    /// <summary>Number of metadata entries added so far.</summary>
    public int MetadataCount => _metadata.Count;

    /// <summary>Number of tensors declared so far.</summary>
    public int TensorCount => _tensors.Count;

    /// <summary>Adds a string value.</summary>
    public GgufWriter AddString(string key, string value) =>
        AddEntry(key, GgufValueType.String, writer => WriteString(writer, value));

    /// <summary>Adds an unsigned 32-bit value.</summary>
    public GgufWriter AddUInt32(string key, uint value) =>
        AddEntry(key, GgufValueType.UInt32, writer => writer.Write(value));

    /// <summary>Adds a signed 32-bit value.</summary>
    public GgufWriter AddInt32(string key, int value) =>
        AddEntry(key, GgufValueType.Int32, writer => writer.Write(value));

    /// <summary>Adds a 32-bit float value.</summary>
    public GgufWriter AddFloat32(string key, float value) =>
        AddEntry(key, GgufValueType.Float32, writer => writer.Write(value));

    /// <summary>Adds a boolean value.</summary>
    public GgufWriter AddBool(string key, bool value) =>
        AddEntry(key, GgufValueType.Bool, writer => writer.Write(value ? (byte)1 : (byte)0));

    /// <summary>Adds an array of strings.</summary>
    public GgufWriter AddStringArray(string key, IReadOnlyList<string> values) =>
        AddEntry(key, GgufValueType.Array, writer =>
        {
            writer.Write((uint)GgufValueType.String);
            writer.Write((ulong)values.Count);
            foreach (var value in values) WriteString(writer, value);
        });

    /// <summary>Adds an array of 32-bit floats.</summary>
    public GgufWriter AddFloat32Array(string key, IReadOnlyList<float> values) =>
        AddEntry(key, GgufValueType.Array, writer =>
        {
            writer.Write((uint)GgufValueType.Float32);
            writer.Write((ulong)values.Count);
            foreach (var value in values) writer.Write(value);
        });

    /// <summary>Adds an array of signed 32-bit integers.</summary>
    public GgufWriter AddInt32Array(string key, IReadOnlyList<int> values) =>
        AddEntry(key, GgufValueType.Array, writer =>
        {
            writer.Write((uint)GgufValueType.Int32);
            writer.Write((ulong)values.Count);
            foreach (var value in values) writer.Write(value);
        });

    /// <summary>
    /// Declares an F32 tensor. <paramref name="produce"/> is called once, during <see cref="WriteTo(string)"/>,
    /// and must return exactly the product of <paramref name="shape"/> floats in row-major order.
    /// </summary>
    /// <param name="name">Tensor name, unique in the file.</param>
    /// <param name="shape">Row-major shape, outermost first (a PyTorch <c>[out, in]</c> weight stays <c>[out, in]</c>).</param>
    /// <param name="produce">Supplies the data when the writer reaches this tensor.</param>
    public GgufWriter AddTensor(string name, IReadOnlyList<long> shape, Func<float[]> produce)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (shape.Count is < 1 or > 4) throw new ArgumentException($"Tensor '{name}' has {shape.Count} dimensions; ggml allows 1 to 4.", nameof(shape));
        if (shape.Any(size => size <= 0)) throw new ArgumentException($"Tensor '{name}' has a non-positive dimension.", nameof(shape));
        if (!_tensorNames.Add(name)) throw new ArgumentException($"Tensor '{name}' was already declared.", nameof(name));
        _tensors.Add((name, shape.ToArray(), produce));
        return this;
    }

    /// <summary>Writes the file, streaming tensor data one tensor at a time.</summary>
    public void WriteTo(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        WriteTo(stream);
    }

    /// <summary>Writes the GGUF bytes to a seekable stream (left open), streaming tensor data one tensor at a time.</summary>
    public void WriteTo(Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write("GGUF"u8);
        writer.Write(3u);
        writer.Write((ulong)_tensors.Count);
        writer.Write((ulong)_metadata.Count);
        foreach (var (key, type, writeValue) in _metadata)
        {
            WriteString(writer, key);
            writer.Write((uint)type);
            writeValue(writer);
        }

        ulong offset = 0;
        foreach (var (name, shape, _) in _tensors)
        {
            WriteString(writer, name);
            writer.Write((uint)shape.Length);
            for (var d = shape.Length - 1; d >= 0; d--) writer.Write((ulong)shape[d]);
            writer.Write(GgufTensorInfo.F32);
            writer.Write(offset);
            offset += PaddedSize((ulong)ElementCount(shape) * sizeof(float));
        }

        writer.Flush();
        var position = (ulong)stream.Position;
        WritePadding(writer, PaddedSize(position) - position);

        foreach (var (name, shape, produce) in _tensors)
        {
            var data = produce();
            if (data.LongLength != ElementCount(shape))
                throw new InvalidDataException($"Tensor '{name}' produced {data.LongLength} values; its shape [{string.Join(", ", shape)}] needs {ElementCount(shape)}.");
            writer.Write(MemoryMarshal.AsBytes(data.AsSpan()));
            var size = (ulong)data.LongLength * sizeof(float);
            WritePadding(writer, PaddedSize(size) - size);
        }
    }

    private GgufWriter AddEntry(string key, GgufValueType type, Action<BinaryWriter> writeValue)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (!_keys.Add(key)) throw new ArgumentException($"Metadata key '{key}' was already added.", nameof(key));
        _metadata.Add((key, type, writeValue));
        return this;
    }

    private static long ElementCount(long[] shape) => shape.Aggregate(1L, (product, size) => product * size);

    private static ulong PaddedSize(ulong size) => (size + Alignment - 1) / Alignment * Alignment;

    private static void WritePadding(BinaryWriter writer, ulong count)
    {
        for (ulong i = 0; i < count; i++) writer.Write((byte)0);
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }
}
