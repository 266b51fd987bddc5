using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using static TorchSharp.torch;

namespace Esr.Kernel.Formats;

/// <summary>
/// Reads and writes one float32 vector as a NumPy <c>.npy</c> file: little-endian <c>&lt;f4</c>, one dimension,
/// C order. Reading is strict: anything else is refused with the file and header field named, because a silently
/// reinterpreted steering vector would steer by garbage.
/// </summary>
/// <remarks>
/// The format: the magic <c>\x93NUMPY</c>, a major and minor version byte, the header length (2 bytes little-endian
/// in version 1, 4 bytes in versions 2 and 3), a header that is a Python dict literal with the keys
/// <c>descr</c>, <c>fortran_order</c> and <c>shape</c>, then the raw data.
/// </remarks>
public static class NpyVector
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a 1-D float32 little-endian C-order array of finite numbers.</summary>
    /// <exception cref="NpyFormatException">The file is missing, is not .npy, holds anything but such a vector, or holds NaN or infinity.</exception>
    public static float[] Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new NpyFormatException(path, "file not found");
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new NpyFormatException(path, $"cannot be read: {error.Message}");
        }

        var (shape, data) = Parse(path, bytes);
        if (shape.Length != 1)
            throw new NpyFormatException(path, $"header field 'shape' is {Show(shape.ToList())} (expected one dimension, e.g. (4096,))");
        var notFinite = Array.FindIndex(data, value => !float.IsFinite(value));
        if (notFinite >= 0)
            throw new NpyFormatException(path, $"element {notFinite} is {data[notFinite].ToString(CultureInfo.InvariantCulture)} (expected finite numbers: a NaN or infinity steers every activation to NaN)");
        return data;
    }

    /// <summary>
    /// Parses the bytes of a float32 little-endian C-order .npy array of any number of dimensions into one managed
    /// array (at most <see cref="Array.MaxLength"/> elements); <paramref name="source"/> names the file in errors.
    /// </summary>
    /// <exception cref="NpyFormatException">The bytes are not such an array.</exception>
    internal static (long[] Shape, float[] Data) Parse(string source, byte[] bytes)
    {
        var (shape, dataStart) = ReadHeader(source, new MemoryStream(bytes, writable: false), bytes.Length);
        var length = CheckDataLength(source, shape, bytes.Length - dataStart);
        if (length > Array.MaxLength)
            throw new NpyFormatException(source, $"header field 'shape' is {Show(shape.ToList())}, too large to read into memory at once");
        var vector = new float[length];
        for (var i = 0; i < length; i++) vector[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan((int)dataStart + 4 * i));
        return (shape, vector);
    }

    /// <summary>The default chunk of <see cref="ReadTensor"/>: 64 MiB.</summary>
    internal const int DefaultChunkBytes = 64 << 20;

    /// <summary>
    /// Reads a float32 little-endian C-order .npy array from a stream straight into a new float32 tensor,
    /// <paramref name="chunkBytes"/> at a time, so an array larger than any managed array (GemmaScope 27B's 131k-wide
    /// matrices are 2.4 GB) is never held twice nor in one <c>byte[]</c>.
    /// </summary>
    /// <param name="source">Names the array in errors.</param>
    /// <param name="stream">Positioned at the start of the .npy data (e.g. an opened zip entry).</param>
    /// <param name="streamLength">The .npy's length in bytes (a zip entry's uncompressed length).</param>
    /// <param name="chunkBytes">Bytes read per step (a multiple of 4).</param>
    /// <exception cref="NpyFormatException">The stream is not such an array, or its data is shorter or longer than its shape.</exception>
    internal static Tensor ReadTensor(string source, Stream stream, long streamLength, int chunkBytes = DefaultChunkBytes)
    {
        if (chunkBytes < 4 || chunkBytes % 4 != 0) throw new ArgumentOutOfRangeException(nameof(chunkBytes), chunkBytes, "a positive multiple of 4");
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("reading .npy data in place needs a little-endian machine");
        var (shape, dataStart) = ReadHeader(source, stream, streamLength);
        var length = CheckDataLength(source, shape, streamLength - dataStart);
        var result = empty(shape, ScalarType.Float32);
        try
        {
            using var flat = result.view(-1);
            for (long done = 0; done < length;)
            {
                var count = Math.Min(chunkBytes / 4, length - done);
                using var part = flat.narrow(0, done, count);
                stream.ReadExactly(part.bytes);
                done += count;
            }
            return result;
        }
        catch (EndOfStreamException)
        {
            result.Dispose();
            throw new NpyFormatException(source, "truncated: the data ended before its shape was filled");
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>Reads the magic, version and header dict; returns the shape and the offset of the data.</summary>
    private static (long[] Shape, long DataStart) ReadHeader(string path, Stream stream, long totalLength)
    {
        Span<byte> prefix = stackalloc byte[12];
        if (totalLength < Magic.Length + 2 || ReadUpTo(stream, prefix[..8]) < 8 || !prefix[..Magic.Length].SequenceEqual(Magic))
            throw new NpyFormatException(path, "not a .npy file (the magic string \\x93NUMPY is missing)");
        int major = prefix[6], minor = prefix[7];
        var lengthSize = major switch
        {
            1 => 2,
            2 or 3 => 4,
            _ => throw new NpyFormatException(path, $"format version {major}.{minor} is not supported (expected 1.0, 2.0 or 3.0)"),
        };
        var headerStart = 8 + lengthSize;
        if (totalLength < headerStart || ReadUpTo(stream, prefix[8..headerStart]) < lengthSize)
            throw new NpyFormatException(path, "truncated before the header length");
        long headerLength = lengthSize == 2
            ? BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..])
            : BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
        if (headerStart + headerLength > totalLength)
            throw new NpyFormatException(path, $"truncated: the header claims {headerLength} bytes but the file has {totalLength - headerStart} after the length field");
        var headerBytes = new byte[headerLength];
        if (ReadUpTo(stream, headerBytes) < headerLength)
            throw new NpyFormatException(path, $"truncated inside the {headerLength}-byte header");
        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        return (ParseHeader(path, header), headerStart + headerLength);
    }

    private static int ReadUpTo(Stream stream, Span<byte> buffer)
    {
        var total = 0;
        for (int read; total < buffer.Length && (read = stream.Read(buffer[total..])) > 0;) total += read;
        return total;
    }

    /// <summary>The element count of the shape, checked against the bytes after the header.</summary>
    private static long CheckDataLength(string path, long[] shape, long dataBytes)
    {
        var length = shape.Aggregate(1L, (a, b) => a * b);
        if (dataBytes != length * 4L)
            throw new NpyFormatException(path, $"the data holds {dataBytes} bytes but header field 'shape' {Show(shape.ToList())} needs {length * 4L}");
        return length;
    }

    /// <summary>Writes a vector as a version 1.0 <c>.npy</c> file that NumPy reads as a float32 array of shape (n,).</summary>
    public static void Write(string path, ReadOnlySpan<float> vector)
    {
        using var stream = File.Create(path);
        Write(stream, vector);
    }

    /// <summary>Writes a vector in <c>.npy</c> format to a stream (e.g. an entry of a <c>.npz</c> archive).</summary>
    public static void Write(Stream stream, ReadOnlySpan<float> vector)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({vector.Length.ToString(CultureInfo.InvariantCulture)},), }}";
        // NumPy pads the header with spaces and ends it with a newline so that the data starts at a multiple of 64.
        var unpadded = Magic.Length + 2 + 2 + dict.Length + 1;
        var header = dict + new string(' ', (64 - unpadded % 64) % 64) + "\n";
        stream.Write(Magic);
        stream.Write([1, 0]);
        Span<byte> scratch = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(scratch, (ushort)header.Length);
        stream.Write(scratch[..2]);
        stream.Write(Encoding.Latin1.GetBytes(header));
        foreach (var value in vector)
        {
            BinaryPrimitives.WriteSingleLittleEndian(scratch, value);
            stream.Write(scratch);
        }
    }

    /// <summary>Checks the header dict and returns the array's shape.</summary>
    private static long[] ParseHeader(string path, string header)
    {
        Dictionary<string, object> fields;
        try
        {
            fields = new HeaderReader(header).ReadDict();
        }
        catch (FormatException error)
        {
            throw new NpyFormatException(path, $"the header is not a Python dict literal: {error.Message}");
        }

        foreach (var key in fields.Keys.Where(key => key is not ("descr" or "fortran_order" or "shape")))
            throw new NpyFormatException(path, $"the header has an unexpected field '{key}'");
        object Field(string name) => fields.TryGetValue(name, out var value)
            ? value
            : throw new NpyFormatException(path, $"the header field '{name}' is missing");

        var descr = Field("descr");
        if (descr is not "<f4")
            throw new NpyFormatException(path, $"header field 'descr' is {Show(descr)} (expected '<f4': float32, little-endian)");
        var fortranOrder = Field("fortran_order");
        if (fortranOrder is not false)
            throw new NpyFormatException(path, $"header field 'fortran_order' is {Show(fortranOrder)} (expected False: C order)");
        var shape = Field("shape");
        if (shape is not List<long> dimensions)
            throw new NpyFormatException(path, $"header field 'shape' is {Show(shape)} (expected a tuple of sizes, e.g. (4096,))");
        var count = 1.0;
        foreach (var size in dimensions) count *= size;
        if (dimensions.Any(size => size < 0) || count > long.MaxValue / 8)
            throw new NpyFormatException(path, $"header field 'shape' is {Show(shape)} (expected non-negative sizes of an array that fits in memory)");
        return [.. dimensions];
    }

    private static string Show(object value) => value switch
    {
        string text => $"'{text}'",
        bool flag => flag ? "True" : "False",
        List<long> { Count: 1 } one => $"({one[0]},)",
        List<long> tuple => $"({string.Join(", ", tuple)})",
        _ => value.ToString() ?? "?",
    };

    /// <summary>
    /// Reads the subset of Python literals a .npy header uses: a dict of string keys whose values are strings,
    /// True/False, or tuples of non-negative integers.
    /// </summary>
    private sealed class HeaderReader(string text)
    {
        private readonly string _text = text;
        private int _at;

        public Dictionary<string, object> ReadDict()
        {
            var fields = new Dictionary<string, object>();
            Expect('{');
            while (!TryTake('}'))
            {
                var key = ReadString();
                Expect(':');
                var value = ReadValue();
                if (!fields.TryAdd(key, value)) throw new FormatException($"the key '{key}' appears twice");
                if (!TryTake(',')) { Expect('}'); break; }
            }
            SkipSpace();
            if (_at != _text.Length) throw new FormatException($"unexpected text after the dict at offset {_at}");
            return fields;
        }

        private object ReadValue()
        {
            SkipSpace();
            if (_at < _text.Length && _text[_at] is '\'' or '"') return ReadString();
            if (TryWord("True")) return true;
            if (TryWord("False")) return false;
            if (TryTake('(')) return ReadTupleRest();
            throw new FormatException($"unexpected value at offset {_at}");
        }

        private List<long> ReadTupleRest()
        {
            var items = new List<long>();
            while (!TryTake(')'))
            {
                SkipSpace();
                var start = _at;
                while (_at < _text.Length && char.IsAsciiDigit(_text[_at])) _at++;
                if (_at == start || !long.TryParse(_text.AsSpan(start, _at - start), NumberStyles.None, CultureInfo.InvariantCulture, out var item))
                    throw new FormatException($"expected a non-negative integer in a tuple at offset {start}");
                items.Add(item);
                if (!TryTake(',')) { Expect(')'); break; }
            }
            return items;
        }

        private string ReadString()
        {
            SkipSpace();
            if (_at >= _text.Length || _text[_at] is not ('\'' or '"')) throw new FormatException($"expected a quoted string at offset {_at}");
            var quote = _text[_at++];
            var end = _text.IndexOf(quote, _at);
            if (end < 0) throw new FormatException("unterminated string");
            var value = _text[_at..end];
            _at = end + 1;
            return value;
        }

        private bool TryWord(string word)
        {
            if (string.CompareOrdinal(_text, _at, word, 0, word.Length) != 0) return false;
            _at += word.Length;
            return true;
        }

        private bool TryTake(char expected)
        {
            SkipSpace();
            if (_at >= _text.Length || _text[_at] != expected) return false;
            _at++;
            return true;
        }

        private void Expect(char expected)
        {
            if (!TryTake(expected)) throw new FormatException($"expected '{expected}' at offset {_at}");
        }

        private void SkipSpace()
        {
            while (_at < _text.Length && char.IsWhiteSpace(_text[_at])) _at++;
        }
    }
}
