using System.Text.Json;
using Esr.Kernel.Formats;
using Esr.Kernel.Models;
using TorchSharp;

namespace Esr.Kernel.Tests.Models;

public class BadCheckpointTests
{
    private static ModelFormatException LoadFails(string directory) =>
        Assert.Throws<ModelFormatException>(() => CausalLanguageModel.Load(directory).Dispose());

    [Fact]
    public void A_well_formed_raw_checkpoint_loads()
    {
        using var directory = new TemporaryDirectory();
        new RawCheckpoint().Write(directory.Path);
        using var model = CausalLanguageModel.Load(directory.Path);
        var logits = model.Logits([1, 2, 3]);
        Assert.Equal(3, logits.Length);
        Assert.All(logits, row => Assert.Equal(RawCheckpoint.Vocabulary, row.Length));
        Assert.All(logits.SelectMany(row => row), value => Assert.True(float.IsFinite(value)));
    }

    [Fact]
    public void A_model_loaded_inside_a_dispose_scope_outlives_it()
    {
        using var directory = new TemporaryDirectory();
        new RawCheckpoint().Write(directory.Path);
        CausalLanguageModel model;
        using (torch.NewDisposeScope()) model = CausalLanguageModel.Load(directory.Path);
        using (model) Assert.Equal(RawCheckpoint.Vocabulary, model.Logits([1, 2])[1].Length);
    }

    [Fact]
    public void A_truncated_file_names_the_file_and_the_data_range()
    {
        using var directory = new TemporaryDirectory();
        new RawCheckpoint().Write(directory.Path);
        var path = directory.File("model.safetensors");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^100]);
        var error = LoadFails(directory.Path);
        Assert.Contains("model.safetensors", error.Message);
        Assert.Contains("data_offsets", error.Message);
        Assert.Contains("outside the data section", error.Message);
    }

    [Fact]
    public void A_file_cut_inside_its_header_says_it_is_truncated()
    {
        using var directory = new TemporaryDirectory();
        new RawCheckpoint().Write(directory.Path);
        var path = directory.File("model.safetensors");
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..40]);
        var error = LoadFails(directory.Path);
        Assert.Contains("truncated", error.Message);
        Assert.Contains("header length", error.Message);
    }

    [Fact]
    public void Header_offsets_out_of_range_are_rejected_before_reading()
    {
        using var directory = new TemporaryDirectory();
        var checkpoint = new RawCheckpoint();
        checkpoint.WriteConfig(directory.Path);
        var header = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model.embed_tokens.weight"] = new { dtype = "F32", shape = new[] { 16, 8 }, data_offsets = new long[] { 0, 1L << 40 } },
        });
        RawCheckpoint.WriteFile(directory.File("model.safetensors"), header, 512);
        var error = LoadFails(directory.Path);
        Assert.Contains("'model.embed_tokens.weight'", error.Message);
        Assert.Contains($"[0, {1L << 40}]", error.Message);
    }

    [Fact]
    public void Offsets_beyond_a_long_are_named_with_the_tensor_and_the_field()
    {
        using var directory = new TemporaryDirectory();
        new RawCheckpoint().WriteConfig(directory.Path);
        var header = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model.norm.weight"] = new { dtype = "F32", shape = new[] { 8 }, data_offsets = new ulong[] { 0, ulong.MaxValue } },
        });
        RawCheckpoint.WriteFile(directory.File("model.safetensors"), header, 32);
        var error = LoadFails(directory.Path);
        Assert.Contains("'model.norm.weight'", error.Message);
        Assert.Contains($"'data_offsets' [0, {ulong.MaxValue}] lies outside the data section", error.Message);
    }

    [Fact]
    public void Offsets_that_disagree_with_the_shape_are_rejected()
    {
        using var directory = new TemporaryDirectory();
        new RawCheckpoint().WriteConfig(directory.Path);
        var header = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model.norm.weight"] = new { dtype = "F32", shape = new[] { 8 }, data_offsets = new long[] { 0, 16 } },
        });
        RawCheckpoint.WriteFile(directory.File("model.safetensors"), header, 16);
        var error = LoadFails(directory.Path);
        Assert.Contains("spans 16 bytes but F32 shape [8] needs 32", error.Message);
    }

    [Fact]
    public void A_shape_disagreeing_with_config_names_the_tensor_and_both_shapes()
    {
        using var directory = new TemporaryDirectory();
        var checkpoint = new RawCheckpoint();
        checkpoint.Tensors["model.layers.0.mlp.up_proj.weight"] = ("F32", [RawCheckpoint.FeedForward + 4, RawCheckpoint.Hidden]);
        checkpoint.Write(directory.Path);
        var error = LoadFails(directory.Path);
        Assert.Contains("'model.layers.0.mlp.up_proj.weight' has shape [16, 8]", error.Message);
        Assert.Contains("config.json implies [12, 8]", error.Message);
    }

    [Fact]
    public void A_dtype_disagreeing_with_config_is_rejected()
    {
        using var directory = new TemporaryDirectory();
        var checkpoint = new RawCheckpoint();
        checkpoint.Config["torch_dtype"] = "bfloat16";
        checkpoint.Write(directory.Path);
        var error = LoadFails(directory.Path);
        Assert.Contains("stored as F32", error.Message);
        Assert.Contains("torch_dtype 'bfloat16'", error.Message);
    }

    [Fact]
    public void A_missing_tensor_is_named()
    {
        using var directory = new TemporaryDirectory();
        var checkpoint = new RawCheckpoint();
        checkpoint.Tensors.Remove("model.layers.0.self_attn.k_proj.weight");
        checkpoint.Write(directory.Path);
        var error = LoadFails(directory.Path);
        Assert.Contains("'model.layers.0.self_attn.k_proj.weight' is missing", error.Message);
    }

    [Theory]
    [InlineData("model.layers.0.mlp.up_proj.weight", float.NaN)]
    [InlineData("model.norm.weight", float.PositiveInfinity)]
    public void A_weight_that_is_not_finite_is_refused_naming_the_tensor(string tensor, float value)
    {
        using var directory = new TemporaryDirectory();
        new RawCheckpoint().Write(directory.Path);
        var path = directory.File("model.safetensors");
        var bytes = File.ReadAllBytes(path);
        var headerLength = BitConverter.ToInt64(bytes, 0);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        var begin = header.RootElement.GetProperty(tensor).GetProperty("data_offsets")[0].GetInt64();
        BitConverter.TryWriteBytes(bytes.AsSpan((int)(8 + headerLength + begin + 4)), value);
        File.WriteAllBytes(path, bytes);

        var error = LoadFails(directory.Path);

        Assert.Contains("model.safetensors", error.Message);
        Assert.Contains($"'{tensor}' holds NaN or infinite values", error.Message);
    }

    [Fact]
    public void Tensors_of_blocks_beyond_num_hidden_layers_are_refused_naming_the_tensor_and_the_field()
    {
        using var directory = new TemporaryDirectory();
        var checkpoint = new RawCheckpoint();
        foreach (var (name, entry) in checkpoint.Tensors.Where(pair => pair.Key.StartsWith("model.layers.0.", StringComparison.Ordinal)).ToList())
            checkpoint.Tensors[name.Replace("layers.0.", "layers.1.")] = entry;
        checkpoint.Write(directory.Path);  // config.json still says one block

        var error = LoadFails(directory.Path);

        Assert.Matches(@"tensor 'model\.layers\.1\.[a-z_.]+' belongs to block 1", error.Message);
        Assert.Contains("field 'num_hidden_layers' is 1", error.Message);
    }

    [Theory]
    [InlineData("head_dim", -16)]
    [InlineData("head_dim", 5)]
    [InlineData("vocab_size", -1)]
    [InlineData("hidden_size", 0)]
    [InlineData("intermediate_size", -5)]
    [InlineData("num_hidden_layers", -1)]
    [InlineData("num_attention_heads", 0)]
    [InlineData("num_key_value_heads", 3)]
    [InlineData("max_position_embeddings", 0)]
    [InlineData("rms_norm_eps", -1.0)]
    [InlineData("rope_theta", 0.0)]
    public void A_config_size_out_of_range_is_refused_naming_the_field(string field, object value)
    {
        using var directory = new TemporaryDirectory();
        var checkpoint = new RawCheckpoint();
        checkpoint.Config[field] = value;
        checkpoint.Write(directory.Path);

        var error = LoadFails(directory.Path);

        Assert.Contains("config.json", error.Message);
        Assert.Contains($"field '{field}'", error.Message);
        Assert.Contains("expected a", error.Message);
    }

    [Fact]
    public void A_missing_shard_is_named_with_the_index_file()
    {
        using var directory = new TemporaryDirectory();
        var checkpoint = new RawCheckpoint();
        var names = checkpoint.Tensors.Keys.ToList();
        checkpoint.Write(directory.Path, "model-00001-of-00002.safetensors", names.Take(5));
        var index = new { weight_map = names.Select((name, i) => (name, shard: i < 5 ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors")).ToDictionary(p => p.name, p => p.shard) };
        File.WriteAllText(directory.File("model.safetensors.index.json"), JsonSerializer.Serialize(index));
        var error = LoadFails(directory.Path);
        Assert.Contains("model.safetensors.index.json", error.Message);
        Assert.Contains("shard 'model-00002-of-00002.safetensors'", error.Message);
    }

    [Fact]
    public void A_complete_sharded_checkpoint_equals_the_single_file()
    {
        using var single = new TemporaryDirectory();
        using var sharded = new TemporaryDirectory();
        var checkpoint = new RawCheckpoint();
        var names = checkpoint.Tensors.Keys.ToList();
        checkpoint.Write(single.Path);
        checkpoint.Write(sharded.Path, "a.safetensors", names.Take(4));
        checkpoint.Write(sharded.Path, "b.safetensors", names.Skip(4));
        var index = new { weight_map = names.Select((name, i) => (name, shard: i < 4 ? "a.safetensors" : "b.safetensors")).ToDictionary(p => p.name, p => p.shard) };
        File.WriteAllText(sharded.File("model.safetensors.index.json"), JsonSerializer.Serialize(index));
        using var fromSingle = CausalLanguageModel.Load(single.Path);
        using var fromShards = CausalLanguageModel.Load(sharded.Path);
        // Each file's data is the same pseudo-random stream, so only the first shard matches byte for byte;
        // what matters is that both load and run.
        Assert.Equal(RawCheckpoint.Vocabulary, fromShards.Logits([1, 2])[1].Length);
        Assert.Equal(RawCheckpoint.Vocabulary, fromSingle.Logits([1, 2])[1].Length);
    }

    [Fact]
    public void An_unknown_architecture_is_named()
    {
        using var directory = new TemporaryDirectory();
        var checkpoint = new RawCheckpoint();
        checkpoint.Config["model_type"] = "mistral";
        checkpoint.Write(directory.Path);
        var error = LoadFails(directory.Path);
        Assert.Contains("config.json", error.Message);
        Assert.Contains("'model_type' 'mistral' is not supported", error.Message);
    }

    [Fact]
    public void A_missing_config_key_is_named()
    {
        using var directory = new TemporaryDirectory();
        var checkpoint = new RawCheckpoint();
        checkpoint.Config.Remove("hidden_size");
        checkpoint.Write(directory.Path);
        var error = LoadFails(directory.Path);
        Assert.Contains("field 'hidden_size' is missing", error.Message);
    }

    [Fact]
    public void Bfloat16_weights_load_into_a_float32_model_and_back()
    {
        using var directory = new TemporaryDirectory();
        var checkpoint = new RawCheckpoint();
        foreach (var name in checkpoint.Tensors.Keys.ToList()) checkpoint.Tensors[name] = ("BF16", checkpoint.Tensors[name].Shape);
        checkpoint.Config["torch_dtype"] = "bfloat16";
        checkpoint.Write(directory.Path);
        using var asFloat = CausalLanguageModel.Load(directory.Path, torch.ScalarType.Float32);
        using var asBfloat = CausalLanguageModel.Load(directory.Path, torch.ScalarType.BFloat16);
        var a = asFloat.Logits([3, 4, 5]);
        var b = asBfloat.Logits([3, 4, 5]);
        // Same weights; bf16 activations round to 8 bits of mantissa.
        for (var position = 0; position < 3; position++)
            for (var token = 0; token < RawCheckpoint.Vocabulary; token++)
                Assert.InRange(Math.Abs(a[position][token] - b[position][token]), 0, 0.05);
    }
}
