using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using TorchSharp;
using static TorchSharp.torch;

namespace Esr.Kernel.Formats;

/// <summary>One tensor's entry in a safetensors header.</summary>
public sealed record SafetensorsEntry(string Name, string Dtype, long[] Shape, long Begin, long End);

/// <summary>
/// A safetensors file opened for reading one tensor at a time straight into a tensor's storage, so loading needs
/// no more memory than the model itself. The header is checked against the file before anything is read.
/// </summary>
/// <remarks>
/// Written here rather than taken from TorchSharp.PyBridge because PyBridge loads a whole state dict at once and
/// reports format problems without the file and field; the format itself is 8 bytes of header length, a JSON header
/// and raw little-endian data.
/// </remarks>
public sealed class SafetensorsFile : IDisposable
{
    private static readonly Dictionary<string, (ScalarType Type, int Size)> Dtypes = new()
    {
        ["F32"] = (ScalarType.Float32, 4),
        ["BF16"] = (ScalarType.BFloat16, 2),
        ["F16"] = (ScalarType.Float16, 2),
        ["F64"] = (ScalarType.Float64, 8),
        ["I64"] = (ScalarType.Int64, 8),
        ["I32"] = (ScalarType.Int32, 4),
    };

    private readonly SafeFileHandle _handle;
    private readonly long _dataStart;

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>The tensors the header lists, by name.</summary>
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries { get; }

    private SafetensorsFile(string path, SafeFileHandle handle, long dataStart, IReadOnlyDictionary<string, SafetensorsEntry> entries)
    {
        Path = path;
        _handle = handle;
        _dataStart = dataStart;
        Entries = entries;
    }

    /// <summary>Opens a file and validates its header: sizes, dtypes and every data range against the file length.</summary>
    /// <exception cref="ModelFormatException">The file is missing, truncated, or its header is inconsistent.</exception>
    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path)) throw new ModelFormatException(path, "file not found");
        var handle = File.OpenHandle(path);
        try
        {
            var fileLength = RandomAccess.GetLength(handle);
            if (fileLength < 8) throw new ModelFormatException(path, $"truncated: {fileLength} bytes, too short for a safetensors header");
            Span<byte> lengthBytes = stackalloc byte[8];
            RandomAccess.Read(handle, lengthBytes, 0);
            var headerLength = BinaryPrimitives.ReadInt64LittleEndian(lengthBytes);
            if (headerLength <= 0 || headerLength > fileLength - 8)
                throw new ModelFormatException(path, $"truncated or corrupt: header length {headerLength} does not fit in a {fileLength}-byte file");
            var header = new byte[headerLength];
            RandomAccess.Read(handle, header, 8);
            var dataStart = 8 + headerLength;
            var entries = ParseHeader(path, header, fileLength - dataStart);
            return new SafetensorsFile(path, handle, dataStart, entries);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The torch dtype of a safetensors dtype code.</summary>
    public static ScalarType ScalarTypeOf(string dtype) => Dtypes[dtype].Type;

    /// <summary>Reads a tensor into a new CPU tensor of the given dtype (converting when the file's differs).</summary>
    public Tensor Read(string name, ScalarType dtype)
    {
        var entry = Entries[name];
        var stored = ScalarTypeOf(entry.Dtype);
        var target = empty(entry.Shape, stored);
        ReadInto(entry, target);
        if (stored == dtype) return target;
        using (target) return target.to_type(dtype);
    }

    /// <summary>
    /// Reads a tensor into a destination of its shape: directly into its storage when it is a contiguous CPU tensor of
    /// the stored dtype, otherwise through one CPU temporary (converted and copied, e.g. to a GPU). Weights
    /// holding NaN or infinity are refused.
    /// </summary>
    /// <exception cref="ModelFormatException">The shape differs, the data is truncated, or a value is not finite.</exception>
    public void ReadInto(string name, Tensor destination)
    {
        var entry = Entries[name];
        if (!destination.shape.SequenceEqual(entry.Shape))
            throw new ModelFormatException(Path, $"tensor '{name}' has shape [{string.Join(", ", entry.Shape)}], expected [{string.Join(", ", destination.shape)}]");
        if (destination.dtype == ScalarTypeOf(entry.Dtype) && destination.is_contiguous() && destination.device_type == DeviceType.CPU)
        {
            ReadInto(entry, destination);
        }
        else
        {
            using var scope = NewDisposeScope();
            using var stored = empty(entry.Shape, ScalarTypeOf(entry.Dtype));
            ReadInto(entry, stored);
            using var _ = no_grad();
            destination.copy_(stored);
        }
        if (!FiniteValues.AllFinite(destination))
            throw new ModelFormatException(Path, $"tensor '{name}' holds NaN or infinite values; weights must be finite numbers");
    }

    private void ReadInto(SafetensorsEntry entry, Tensor destination)
    {
        var bytes = destination.bytes;
        var offset = _dataStart + entry.Begin;
        while (bytes.Length > 0)
        {
            var read = RandomAccess.Read(_handle, bytes, offset);
            if (read == 0) throw new ModelFormatException(Path, $"truncated while reading tensor '{entry.Name}'");
            bytes = bytes[read..];
            offset += read;
        }
    }

    private static Dictionary<string, SafetensorsEntry> ParseHeader(string path, byte[] header, long dataLength)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException error)
        {
            throw new ModelFormatException(path, $"header is not valid JSON: {error.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw new ModelFormatException(path, "header is not a JSON object");
            var entries = new Dictionary<string, SafetensorsEntry>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__") continue;
                var entry = ParseEntry(path, property, dataLength);
                entries.Add(entry.Name, entry);
            }
            return entries;
        }
    }

    private static SafetensorsEntry ParseEntry(string path, JsonProperty property, long dataLength)
    {
        var name = property.Name;
        ModelFormatException Bad(string problem) => new(path, $"tensor '{name}': {problem}");
        var value = property.Value;
        if (value.ValueKind != JsonValueKind.Object) throw Bad("header entry is not an object");
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw Bad("field 'dtype' is missing");
        var dtype = dtypeElement.GetString()!;
        if (!Dtypes.TryGetValue(dtype, out var info))
            throw Bad($"field 'dtype' is '{dtype}', expected one of {string.Join(", ", Dtypes.Keys)}");
        if (!value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw Bad("field 'shape' is missing");
        var shape = shapeElement.EnumerateArray().Select(d => AsInt64(d) is { } size && size >= 0 ? size : throw Bad($"field 'shape' holds {d.GetRawText()}, expected sizes >= 0")).ToArray();
        if (!value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw Bad("field 'data_offsets' is missing or not [begin, end]");
        // Offsets beyond a long (up to 2^64 - 1 in the format) lie outside any file, as do negative ones.
        if (AsInt64(offsets[0]) is not { } begin || AsInt64(offsets[1]) is not { } end || begin < 0 || end < begin || end > dataLength)
            throw Bad($"field 'data_offsets' [{offsets[0].GetRawText()}, {offsets[1].GetRawText()}] lies outside the data section of {dataLength} bytes (file truncated or header corrupt)");
        var expectedBytes = BytesOf(shape, info.Size);
        if (end - begin != expectedBytes)
            throw Bad($"field 'data_offsets' spans {end - begin} bytes but {dtype} shape [{string.Join(", ", shape)}] needs {expectedBytes?.ToString(CultureInfo.InvariantCulture) ?? "more than 2^63"}");
        return new SafetensorsEntry(name, dtype, shape, begin, end);
    }

    private static long? AsInt64(JsonElement element) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var value) ? value : null;

    /// <summary>The bytes of a tensor of this shape, or null when the count overflows a long.</summary>
    private static long? BytesOf(long[] shape, int elementSize)
    {
        try
        {
            return checked(shape.Aggregate(1L, (product, size) => product * size) * elementSize);
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();
}
