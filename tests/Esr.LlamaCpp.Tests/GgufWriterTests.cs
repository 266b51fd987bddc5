namespace Esr.LlamaCpp.Tests;

public sealed class GgufWriterTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("esr-gguf-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Metadata_and_tensors_round_trip_through_the_reader()
    {
        var path = Path.Combine(_directory, "round-trip.gguf");
        var matrix = Enumerable.Range(0, 15).Select(i => i * 0.5f).ToArray(); // 60 bytes: exercises padding
        var vector = new[] { -1f, 2f, float.Epsilon };
        var produced = new List<string>();
        new GgufWriter()
            .AddString("general.architecture", "llama")
            .AddUInt32("llama.block_count", 3)
            .AddInt32("some.int", -7)
            .AddFloat32("llama.rope.freq_base", 500000f)
            .AddBool("tokenizer.ggml.add_bos_token", true)
            .AddStringArray("tokenizer.ggml.tokens", ["a", "ü", ""])
            .AddFloat32Array("tokenizer.ggml.scores", [0.5f, -1f])
            .AddInt32Array("tokenizer.ggml.token_type", [1, 3])
            .AddTensor("first", [3, 5], () => { produced.Add("first"); return matrix; })
            .AddTensor("second", [3], () => { produced.Add("second"); return vector; })
            .WriteTo(path);

        var file = GgufFile.Read(path);
        Assert.Equal(3u, file.Version);
        Assert.Equal(["first", "second"], produced);
        Assert.Equal("llama", file.Get<string>("general.architecture"));
        Assert.Equal(3u, file.Get<uint>("llama.block_count"));
        Assert.Equal(-7, file.Get<int>("some.int"));
        Assert.Equal(500000f, file.Get<float>("llama.rope.freq_base"));
        Assert.True(file.Get<bool>("tokenizer.ggml.add_bos_token"));
        Assert.Equal(["a", "ü", ""], file.Get<string[]>("tokenizer.ggml.tokens"));
        Assert.Equal([0.5f, -1f], file.Get<float[]>("tokenizer.ggml.scores"));
        Assert.Equal([1, 3], file.Get<int[]>("tokenizer.ggml.token_type"));
        Assert.Equal(["first", "second"], file.Tensors.Select(t => t.Name));
        Assert.Equal([3L, 5L], file.Tensors[0].Shape);
        Assert.Equal(0ul, file.Tensors[0].Offset);
        Assert.Equal(64ul, file.Tensors[1].Offset);
        Assert.Equal(0, file.DataOffset % GgufWriter.Alignment);
        Assert.Equal(matrix, file.ReadTensor("first"));
        Assert.Equal(vector, file.ReadTensor("second"));
        Assert.Equal(file.DataOffset + 64 + 32, new FileInfo(path).Length);
    }

    [Fact]
    public void Dimensions_are_stored_innermost_first_as_ggml_expects()
    {
        var path = Path.Combine(_directory, "dims.gguf");
        new GgufWriter().AddTensor("w", [2, 3], () => new float[6]).WriteTo(path);
        var bytes = File.ReadAllBytes(path);
        // header: magic 4 + version 4 + counts 16, then name (8 + 1), dimension count (4), dimensions (8 each)
        var dimensions = 4 + 4 + 16 + 8 + 1 + 4;
        Assert.Equal(3ul, BitConverter.ToUInt64(bytes, dimensions));
        Assert.Equal(2ul, BitConverter.ToUInt64(bytes, dimensions + 8));
    }

    [Fact]
    public void A_producer_returning_the_wrong_number_of_values_is_an_error()
    {
        var writer = new GgufWriter().AddTensor("w", [2, 2], () => new float[3]);
        var error = Assert.Throws<InvalidDataException>(() => writer.WriteTo(Path.Combine(_directory, "bad.gguf")));
        Assert.Contains("'w'", error.Message);
    }

    [Fact]
    public void Duplicate_keys_and_tensor_names_are_rejected()
    {
        var writer = new GgufWriter().AddUInt32("k", 1).AddTensor("t", [1], () => [0f]);
        Assert.Throws<ArgumentException>(() => writer.AddUInt32("k", 2));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("t", [1], () => [0f]));
    }
}
