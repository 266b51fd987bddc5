using System.Buffers.Binary;
using System.Text;
using Esr.Kernel.Formats;

namespace Esr.Kernel.Tests.Formats;

public sealed class NpyVectorTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("esr-npy-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    /// <summary>Writes a .npy file by hand, so tests can put anything in the header.</summary>
    private string Raw(string name, string dict, byte[] data, byte major = 1)
    {
        var header = Encoding.Latin1.GetBytes(dict + "\n");
        var lengthSize = major == 1 ? 2 : 4;
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.AddRange([major, 0]);
        var length = new byte[lengthSize];
        if (lengthSize == 2) BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)header.Length);
        bytes.AddRange(length);
        bytes.AddRange(header);
        bytes.AddRange(data);
        var path = PathOf(name);
        File.WriteAllBytes(path, [.. bytes]);
        return path;
    }

    private static byte[] Floats(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        return bytes;
    }

    [Fact]
    public void A_written_vector_reads_back_bit_for_bit()
    {
        float[] vector = [1.5f, -0.0f, float.Epsilon, 3.4028235e38f, -7.25f];
        var path = PathOf("v.npy");
        NpyVector.Write(path, vector);

        Assert.Equal(vector, NpyVector.Read(path));
        Assert.Equal(0, (new FileInfo(path).Length - vector.Length * 4) % 64); // data aligned as NumPy aligns it
    }

    [Fact]
    public void Version_2_headers_and_double_quoted_keys_are_read()
    {
        var path = Raw("v2.npy", "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2,)}", Floats(1, 2), major: 2);
        Assert.Equal([1f, 2f], NpyVector.Read(path));
    }

    [Theory]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", "'descr'")]
    [InlineData("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", "'descr'")]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", "'fortran_order'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }", "'shape'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", "'shape'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, }", "'shape'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", "'shape'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1, }", "dict literal")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': True, }", "'extra'")]
    [InlineData("descr=<f4", "dict literal")]
    public void A_header_other_than_a_little_endian_float32_c_order_vector_is_refused_naming_the_file_and_field(string dict, string named)
    {
        var path = Raw("bad.npy", dict, Floats(1, 2));

        var error = Assert.Throws<NpyFormatException>(() => NpyVector.Read(path));

        Assert.StartsWith(path + ": ", error.Message);
        Assert.Contains(named, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_file_without_the_magic_string_is_refused()
    {
        var path = PathOf("text.npy");
        File.WriteAllText(path, "0.5, 1.5\n");
        Assert.Contains("magic", Assert.Throws<NpyFormatException>(() => NpyVector.Read(path)).Message);
    }

    [Fact]
    public void A_truncated_header_is_refused()
    {
        var path = PathOf("cut.npy");
        NpyVector.Write(path, [1, 2, 3]);
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..20]);
        Assert.Contains("truncated", Assert.Throws<NpyFormatException>(() => NpyVector.Read(path)).Message);
    }

    [Fact]
    public void A_missing_file_is_reported_by_path()
    {
        var path = PathOf("absent.npy");
        Assert.Equal($"{path}: file not found", Assert.Throws<NpyFormatException>(() => NpyVector.Read(path)).Message);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public void A_vector_holding_a_value_that_is_not_finite_is_refused_naming_the_element(float value, string shown)
    {
        var path = Raw("steer.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", Floats(0.5f, value, 1f));

        var error = Assert.Throws<NpyFormatException>(() => NpyVector.Read(path));

        Assert.StartsWith(path, error.Message);
        Assert.Contains($"element 1 is {shown}", error.Message);
    }
}
