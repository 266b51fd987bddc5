using System.Runtime.InteropServices;
using System.Text;

namespace Esr.LlamaCpp;

/// <summary>
/// The header of a GGUF file (versions 2 and 3): metadata and the tensor table, read without the tensor data.
/// Enough to check what <see cref="GgufWriter"/> wrote and to read F32 tensors back; not a general GGUF library.
/// </summary>
/// <param name="Path">The file read.</param>
/// <param name="Version">The GGUF version number.</param>
/// <param name="Metadata">Values by key: numbers as their .NET type (uint, int, float, ...), strings, booleans,
/// and arrays as typed .NET arrays (string[], float[], int[], ...), in file order.</param>
/// <param name="Tensors">The tensor table, in file order.</param>
/// <param name="DataOffset">Byte offset of the data section from the start of the file.</param>
public sealed record GgufFile(
    string Path, uint Version, IReadOnlyDictionary<string, object> Metadata, IReadOnlyList<GgufTensorInfo> Tensors, long DataOffset)
{
    /// <summary>Reads the header and tensor table of a GGUF file.</summary>
    public static GgufFile Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        if (!reader.ReadBytes(4).AsSpan().SequenceEqual("GGUF"u8)) throw new InvalidDataException($"{path} is not a GGUF file.");
        var version = reader.ReadUInt32();
        if (version is < 2 or > 3) throw new InvalidDataException($"{path} has GGUF version {version}; only 2 and 3 are read.");
        var tensorCount = checked((int)reader.ReadUInt64());
        var metadataCount = checked((int)reader.ReadUInt64());

        var metadata = new Dictionary<string, object>(metadataCount);
        for (var i = 0; i < metadataCount; i++)
        {
            var key = ReadString(reader);
            metadata[key] = ReadValue(reader, (GgufValueType)reader.ReadUInt32());
        }

        var tensors = new List<GgufTensorInfo>(tensorCount);
        for (var i = 0; i < tensorCount; i++)
        {
            var name = ReadString(reader);
            var dimensions = reader.ReadUInt32();
            var shape = new long[dimensions];
            for (var d = 0; d < dimensions; d++) shape[dimensions - 1 - d] = checked((long)reader.ReadUInt64());
            tensors.Add(new GgufTensorInfo(name, shape, reader.ReadUInt32(), reader.ReadUInt64()));
        }

        var alignment = metadata.TryGetValue("general.alignment", out var value) ? Convert.ToInt64(value) : GgufWriter.Alignment;
        var dataOffset = (stream.Position + alignment - 1) / alignment * alignment;
        return new GgufFile(path, version, metadata, tensors, dataOffset);
    }

    /// <summary>Reads one F32 tensor's data in row-major order.</summary>
    public float[] ReadTensor(string name)
    {
        var info = Tensors.FirstOrDefault(t => t.Name == name) ?? throw new KeyNotFoundException($"No tensor '{name}' in {Path}.");
        if (info.GgmlType != GgufTensorInfo.F32) throw new NotSupportedException($"Tensor '{name}' has ggml type {info.GgmlType}; only F32 is read.");
        var data = new float[info.ElementCount];
        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read);
        stream.Position = DataOffset + (long)info.Offset;
        stream.ReadExactly(MemoryMarshal.AsBytes(data.AsSpan()));
        return data;
    }

    /// <summary>The metadata value of <paramref name="key"/> converted to <typeparamref name="T"/>.</summary>
    public T Get<T>(string key) =>
        Metadata.TryGetValue(key, out var value) ? (T)value : throw new KeyNotFoundException($"No metadata key '{key}' in {Path}.");

    private static string ReadString(BinaryReader reader) =>
        Encoding.UTF8.GetString(reader.ReadBytes(checked((int)reader.ReadUInt64())));

    private static object ReadValue(BinaryReader reader, GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => reader.ReadByte(),
        GgufValueType.Int8 => reader.ReadSByte(),
        GgufValueType.UInt16 => reader.ReadUInt16(),
        GgufValueType.Int16 => reader.ReadInt16(),
        GgufValueType.UInt32 => reader.ReadUInt32(),
        GgufValueType.Int32 => reader.ReadInt32(),
        GgufValueType.Float32 => reader.ReadSingle(),
        GgufValueType.Bool => reader.ReadByte() != 0,
        GgufValueType.String => ReadString(reader),
        GgufValueType.UInt64 => reader.ReadUInt64(),
        GgufValueType.Int64 => reader.ReadInt64(),
        GgufValueType.Float64 => reader.ReadDouble(),
        GgufValueType.Array => ReadArray(reader),
        _ => throw new InvalidDataException($"Unknown GGUF value type {(uint)type}."),
    };

    private static Array ReadArray(BinaryReader reader)
    {
        var elementType = (GgufValueType)reader.ReadUInt32();
        var count = checked((int)reader.ReadUInt64());
        Array result = elementType switch
        {
            GgufValueType.String => new string[count],
            GgufValueType.Float32 => new float[count],
            GgufValueType.Int32 => new int[count],
            GgufValueType.UInt32 => new uint[count],
            _ => new object[count],
        };
        for (var i = 0; i < count; i++) result.SetValue(ReadValue(reader, elementType), i);
        return result;
    }
}
