using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Esr.Kernel.Saes;
using TorchSharp.PyBridge;
using Esr.Kernel.Tests.Models;
using static TorchSharp.torch;

namespace Esr.Kernel.Tests.Saes;

public class SaeLoaderTests
{
    private const int DIn = 8, DSae = 24;

    private static Tensor Inputs() => randn([3, DIn], generator: new TorchSharp.torch.Generator(11));

    private static void AssertEncodesLike(SparseAutoencoder expected, SparseAutoencoder actual, float tolerance = 0f)
    {
        var input = Inputs();
        var want = expected.Encode(input).to_type(ScalarType.Float32).data<float>().ToArray();
        var got = actual.Encode(input).to_type(ScalarType.Float32).data<float>().ToArray();
        Assert.Equal(want.Length, got.Length);
        for (var i = 0; i < want.Length; i++) Assert.True(Math.Abs(want[i] - got[i]) <= tolerance, $"latent value {i}: {want[i]} vs {got[i]}");
        Assert.Equal(expected.DecoderDirection(3), actual.DecoderDirection(3));
    }

    private static void WriteSaeLens(string folder, Dictionary<string, Tensor> weights, object config)
    {
        File.WriteAllText(Path.Combine(folder, SaeLoader.SaeLensConfigFile), JsonSerializer.Serialize(config));
        Safetensors.SaveStateDict(Path.Combine(folder, SaeLoader.SaeLensWeightsFile), weights);
    }

    /// <summary>A float32 C-order .npy of any shape.</summary>
    private static byte[] Npy(Tensor tensor)
    {
        var shape = tensor.shape.Length == 1 ? $"({tensor.shape[0]},)" : $"({string.Join(", ", tensor.shape)})";
        var dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}";
        var header = dict + new string(' ', (64 - (10 + dict.Length + 1) % 64) % 64) + "\n";
        using var stream = new MemoryStream();
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(Encoding.Latin1.GetBytes(header));
        foreach (var value in tensor.contiguous().data<float>()) stream.Write(BitConverter.GetBytes(value));
        return stream.ToArray();
    }

    private static void WriteNpz(string path, IEnumerable<(string Name, byte[] Bytes)> arrays, CompressionLevel compression = CompressionLevel.Optimal)
    {
        using var archive = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, bytes) in arrays)
        {
            using var stream = archive.CreateEntry(name + ".npy", compression).Open();
            stream.Write(bytes);
        }
    }

    [Theory]
    [InlineData("standard")]
    [InlineData("jumprelu")]
    [InlineData("topk")]
    public void A_SAELens_folder_loads_with_its_architecture(string architecture)
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        var weights = RandomSae.Weights(DIn, DSae, 5);
        if (architecture != "jumprelu") weights.Remove("threshold");
        WriteSaeLens(directory.Path, weights, new { architecture, d_in = DIn, d_sae = DSae, k = 4, apply_b_dec_to_input = true, normalize_activations = "none" });

        using var sae = SaeLoader.Load(directory.Path);

        var expectedArchitecture = architecture switch { "jumprelu" => SaeArchitecture.JumpRelu, "topk" => SaeArchitecture.TopK, _ => SaeArchitecture.Standard };
        Assert.Equal(expectedArchitecture, sae.Architecture);
        Assert.True(sae.AppliesDecoderBiasToInput);
        using var expected = new SparseAutoencoder(weights["W_enc"], weights["b_enc"], weights["W_dec"], weights["b_dec"], expectedArchitecture,
            weights.GetValueOrDefault("threshold"), architecture == "topk" ? 4 : null, appliesDecoderBiasToInput: true);
        AssertEncodesLike(expected, sae);
    }

    [Fact]
    public void A_bfloat16_SAELens_file_stays_bfloat16()
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        var weights = RandomSae.Weights(DIn, DSae, 6);
        weights.Remove("threshold");
        WriteSaeLens(directory.Path, weights.ToDictionary(pair => pair.Key, pair => pair.Value.to_type(ScalarType.BFloat16)), new { architecture = "standard" });

        using var sae = SaeLoader.Load(directory.Path);

        Assert.Equal(ScalarType.BFloat16, sae.Dtype);
        Assert.Equal(DSae, sae.LatentCount);
        Assert.Equal(DIn, sae.InputWidth);
    }

    [Fact]
    public void A_SAELens_SAE_with_activation_normalization_is_refused_naming_the_field()
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        var weights = RandomSae.Weights(DIn, DSae, 7);
        WriteSaeLens(directory.Path, weights, new { architecture = "standard", normalize_activations = "expected_average_only_in" });

        var error = Assert.Throws<SaeFormatException>(() => SaeLoader.Load(directory.Path));

        Assert.Contains("cfg.json", error.Message);
        Assert.Contains("normalize_activations", error.Message);
    }

    [Fact]
    public void A_SAELens_file_missing_a_tensor_is_refused_naming_file_and_tensor()
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        var weights = RandomSae.Weights(DIn, DSae, 8);
        weights.Remove("threshold");
        WriteSaeLens(directory.Path, weights, new { architecture = "jumprelu" });

        var error = Assert.Throws<SaeFormatException>(() => SaeLoader.Load(directory.Path));

        Assert.Contains("sae_weights.safetensors", error.Message);
        Assert.Contains("'threshold'", error.Message);
    }

    [Fact]
    public void A_SAELens_config_whose_width_disagrees_with_the_weights_is_refused()
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        WriteSaeLens(directory.Path, RandomSae.Weights(DIn, DSae, 9), new { architecture = "standard", d_sae = 99 });

        var error = Assert.Throws<SaeFormatException>(() => SaeLoader.Load(directory.Path));

        Assert.Contains("'d_sae' is 99", error.Message);
    }

    [Fact]
    public void A_topk_SAELens_config_without_k_is_refused_naming_the_field()
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        WriteSaeLens(directory.Path, RandomSae.Weights(DIn, DSae, 16), new { architecture = "topk" });

        var error = Assert.Throws<SaeFormatException>(() => SaeLoader.Load(directory.Path));

        Assert.Contains("cfg.json", error.Message);
        Assert.Contains("'k'", error.Message);
    }

    [Theory]
    [InlineData("standard", "d_in", 2.5)]
    [InlineData("standard", "d_sae", 1e20)]
    [InlineData("topk", "k", 1e20)]
    [InlineData("topk", "k", 2.5)]
    public void A_SAELens_config_count_that_is_not_an_integer_is_refused_naming_the_field(string architecture, string field, double value)
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        var weights = RandomSae.Weights(DIn, DSae, 17);
        weights.Remove("threshold");
        WriteSaeLens(directory.Path, weights, new Dictionary<string, object> { ["architecture"] = architecture, ["k"] = 4, [field] = value });

        var error = Assert.Throws<SaeFormatException>(() => SaeLoader.Load(directory.Path));

        Assert.Contains("cfg.json", error.Message);
        Assert.Contains($"field '{field}' is {JsonSerializer.Serialize(value)}, expected an integer", error.Message);
    }

    [Fact]
    public void A_SAELens_config_that_is_not_JSON_is_refused_naming_the_file()
    {
        using var directory = new TemporaryDirectory();
        File.WriteAllText(directory.File(SaeLoader.SaeLensConfigFile), "{ architecture: ");

        var error = Assert.Throws<SaeFormatException>(() => SaeLoader.Load(directory.Path));

        Assert.Contains("cfg.json", error.Message);
        Assert.Contains("JSON", error.Message);
    }

    [Fact]
    public void A_GemmaScope_npz_loads_as_a_JumpRelu_SAE()
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        var weights = RandomSae.Weights(DIn, DSae, 10);
        var path = directory.File("params.npz");
        WriteNpz(path, weights.Select(pair => (pair.Key, Npy(pair.Value))));

        using var sae = SaeLoader.Load(path);

        Assert.Equal(SaeArchitecture.JumpRelu, sae.Architecture);
        Assert.False(sae.AppliesDecoderBiasToInput);
        using var expected = new SparseAutoencoder(weights["W_enc"], weights["b_enc"], weights["W_dec"], weights["b_dec"], SaeArchitecture.JumpRelu, weights["threshold"]);
        AssertEncodesLike(expected, sae);
    }

    [Theory]
    [InlineData(4, CompressionLevel.Optimal)]
    [InlineData(12, CompressionLevel.Optimal)]
    [InlineData(12, CompressionLevel.NoCompression)]
    [InlineData(1 << 20, CompressionLevel.NoCompression)]
    public void A_GemmaScope_npz_streamed_in_chunks_of_any_size_loads_the_same_weights(int chunkBytes, CompressionLevel compression)
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        var weights = RandomSae.Weights(DIn, DSae, 21);
        var path = directory.File("params.npz");
        WriteNpz(path, weights.Select(pair => (pair.Key, Npy(pair.Value))), compression);

        // W_enc holds 8 × 24 floats: 4-byte chunks read it in 192 steps, 12-byte ones in 64 that straddle its rows.
        using var sae = SaeLoader.LoadGemmaScope(path, null, chunkBytes);

        using var expected = new SparseAutoencoder(weights["W_enc"], weights["b_enc"], weights["W_dec"], weights["b_dec"], SaeArchitecture.JumpRelu, weights["threshold"]);
        AssertEncodesLike(expected, sae);
        for (var latent = 0; latent < DSae; latent++) Assert.Equal(expected.DecoderDirection(latent), sae.DecoderDirection(latent));
    }

    [Fact]
    public void A_GemmaScope_npz_missing_the_threshold_is_refused_naming_file_and_array()
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        var path = directory.File("params.npz");
        WriteNpz(path, RandomSae.Weights(DIn, DSae, 12).Where(pair => pair.Key != "threshold").Select(pair => (pair.Key, Npy(pair.Value))));

        var error = Assert.Throws<SaeFormatException>(() => SaeLoader.Load(path));

        Assert.Contains("params.npz", error.Message);
        Assert.Contains("'threshold'", error.Message);
    }

    [Fact]
    public void A_GemmaScope_array_with_a_truncated_body_is_refused_naming_the_array()
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        var path = directory.File("params.npz");
        WriteNpz(path, RandomSae.Weights(DIn, DSae, 13).Select(pair => (pair.Key, pair.Key == "W_dec" ? Npy(pair.Value)[..^4] : Npy(pair.Value))));

        var error = Assert.Throws<SaeFormatException>(() => SaeLoader.Load(path));

        Assert.Contains("'W_dec'", error.Message);
        Assert.Contains("bytes", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_zip_is_refused_as_npz()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("params.npz");
        File.WriteAllText(path, "not a zip");

        var error = Assert.Throws<SaeFormatException>(() => SaeLoader.Load(path));

        Assert.Contains("params.npz", error.Message);
        Assert.Contains("zip", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("_orig_mod.")]
    [InlineData("module._orig_mod.")]
    public void A_Goodfire_state_dict_loads_as_a_ReLU_SAE_with_prefixes_stripped(string prefix)
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        var weights = RandomSae.Weights(DIn, DSae, 14);
        var path = directory.File("sae.pth");
        var stateDict = new Dictionary<string, Tensor>
        {
            [prefix + "encoder_linear.weight"] = weights["W_enc"].t().contiguous(),
            [prefix + "encoder_linear.bias"] = weights["b_enc"],
            [prefix + "decoder_linear.weight"] = weights["W_dec"].t().contiguous(),
            [prefix + "decoder_linear.bias"] = weights["b_dec"],
        };
        using (var stream = File.Create(path)) PyTorchPickler.PickleStateDict(stream, stateDict);

        using var sae = SaeLoader.Load(path);

        Assert.Equal(SaeArchitecture.Standard, sae.Architecture);
        using var expected = new SparseAutoencoder(weights["W_enc"], weights["b_enc"], weights["W_dec"], weights["b_dec"], SaeArchitecture.Standard);
        AssertEncodesLike(expected, sae, 1e-5f);
    }

    [Fact]
    public void A_Goodfire_state_dict_missing_the_decoder_bias_is_refused_naming_it()
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        var weights = RandomSae.Weights(DIn, DSae, 15);
        var path = directory.File("sae.pt");
        var stateDict = new Dictionary<string, Tensor>
        {
            ["encoder_linear.weight"] = weights["W_enc"].t().contiguous(),
            ["encoder_linear.bias"] = weights["b_enc"],
            ["decoder_linear.weight"] = weights["W_dec"].t().contiguous(),
        };
        using (var stream = File.Create(path)) PyTorchPickler.PickleStateDict(stream, stateDict);

        var error = Assert.Throws<SaeFormatException>(() => SaeLoader.Load(path));

        Assert.Contains("sae.pt", error.Message);
        Assert.Contains("'decoder_linear.bias'", error.Message);
    }

    /// <summary>A Goodfire-layout state dict of a random SAE saved as torch.save does.</summary>
    private static string WriteGoodfire(TemporaryDirectory directory, string name, Func<Tensor, Tensor>? convert = null)
    {
        var weights = RandomSae.Weights(DIn, DSae, 18);
        convert ??= tensor => tensor;
        var stateDict = new Dictionary<string, Tensor>
        {
            ["encoder_linear.weight"] = convert(weights["W_enc"].t().contiguous()),
            ["encoder_linear.bias"] = convert(weights["b_enc"]),
            ["decoder_linear.weight"] = convert(weights["W_dec"].t().contiguous()),
            ["decoder_linear.bias"] = convert(weights["b_dec"]),
        };
        var path = directory.File(name);
        using (var stream = File.Create(path)) PyTorchPickler.PickleStateDict(stream, stateDict);
        return path;
    }

    /// <summary>Replaces one entry of a .pth (a zip) with <paramref name="edit"/> of its bytes, or removes it when edit gives null.</summary>
    private static void EditEntry(string path, string suffix, Func<byte[], byte[]?> edit)
    {
        using var archive = ZipFile.Open(path, ZipArchiveMode.Update);
        var entry = archive.Entries.Single(e => e.FullName.EndsWith(suffix, StringComparison.Ordinal));
        using var content = new MemoryStream();
        using (var stream = entry.Open()) stream.CopyTo(content);
        var name = entry.FullName;
        entry.Delete();
        if (edit(content.ToArray()) is not { } replaced) return;
        using var output = archive.CreateEntry(name).Open();
        output.Write(replaced);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(ScalarType.Float32)]
    public void Integer_tensors_in_a_pth_are_refused_naming_the_tensor_even_when_converting(ScalarType? dtype)
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        var path = WriteGoodfire(directory, "ints.pth", tensor => tensor.mul(100).to_type(ScalarType.Int32));

        var error = Assert.Throws<SaeFormatException>(() => SaeLoader.Load(path, dtype).Dispose());

        Assert.Contains("ints.pth", error.Message);
        Assert.Contains("'encoder_linear.weight' has dtype Int32; SAE weights must be floating point", error.Message);
    }

    [Fact]
    public void A_pth_storage_offset_outside_its_storage_is_one_line_naming_the_file()
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        var path = WriteGoodfire(directory, "offset.pth");
        // The first tensor's storage offset is pickled as BININT1 0 right after its storage (the persistent id, 'Q').
        EditEntry(path, "data.pkl", pickle =>
        {
            var at = pickle.AsSpan().IndexOf("QK\0"u8);
            pickle[at + 2] = 255;
            return pickle;
        });

        var error = Assert.Throws<SaeFormatException>(() => SaeLoader.Load(path).Dispose());

        Assert.Contains("offset.pth", error.Message);
        Assert.Contains("storage offset 255", error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Theory]
    [InlineData("data.pkl")]
    [InlineData("data/0")]
    public void A_pth_archive_missing_an_entry_says_what_a_torch_save_archive_holds(string missing)
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        var path = WriteGoodfire(directory, "partial.pth");
        EditEntry(path, missing, _ => null);

        var error = Assert.Throws<SaeFormatException>(() => SaeLoader.Load(path).Dispose());

        Assert.Contains("partial.pth", error.Message);
        Assert.Contains("data.pkl", error.Message);
        Assert.DoesNotContain("Sequence contains no matching element", error.Message);
    }

    [Fact]
    public void A_pth_that_is_not_a_pickle_is_refused_naming_the_file()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("sae.pth");
        File.WriteAllBytes(path, [1, 2, 3, 4]);

        var error = Assert.Throws<SaeFormatException>(() => SaeLoader.Load(path));

        Assert.Contains("sae.pth", error.Message);
        Assert.Contains("state dict", error.Message);
    }
}
