using System.Text;
using System.Text.Json;
using Esr.Kernel.Models;

namespace Esr.Kernel.Tests.Models;

/// <summary>
/// Writes a one-layer Llama checkpoint byte by byte, so tests can break it in exact ways (header, offsets, shapes,
/// dtypes, shards) that a real writer would refuse to produce.
/// </summary>
internal sealed class RawCheckpoint
{
    public const int Vocabulary = 16, Hidden = 8, FeedForward = 12, Heads = 2, KvHeads = 1, HeadDim = 4;

    /// <summary>Tensor name → (dtype, shape); edit before writing to break a tensor.</summary>
    public Dictionary<string, (string Dtype, long[] Shape)> Tensors { get; } = new()
    {
        ["model.embed_tokens.weight"] = ("F32", [Vocabulary, Hidden]),
        ["model.layers.0.self_attn.q_proj.weight"] = ("F32", [Heads * HeadDim, Hidden]),
        ["model.layers.0.self_attn.k_proj.weight"] = ("F32", [KvHeads * HeadDim, Hidden]),
        ["model.layers.0.self_attn.v_proj.weight"] = ("F32", [KvHeads * HeadDim, Hidden]),
        ["model.layers.0.self_attn.o_proj.weight"] = ("F32", [Hidden, Heads * HeadDim]),
        ["model.layers.0.mlp.gate_proj.weight"] = ("F32", [FeedForward, Hidden]),
        ["model.layers.0.mlp.up_proj.weight"] = ("F32", [FeedForward, Hidden]),
        ["model.layers.0.mlp.down_proj.weight"] = ("F32", [Hidden, FeedForward]),
        ["model.layers.0.input_layernorm.weight"] = ("F32", [Hidden]),
        ["model.layers.0.post_attention_layernorm.weight"] = ("F32", [Hidden]),
        ["model.norm.weight"] = ("F32", [Hidden]),
    };

    /// <summary>config.json fields; edit before writing.</summary>
    public Dictionary<string, object> Config { get; } = new()
    {
        ["model_type"] = "llama",
        ["vocab_size"] = Vocabulary,
        ["hidden_size"] = Hidden,
        ["intermediate_size"] = FeedForward,
        ["num_hidden_layers"] = 1,
        ["num_attention_heads"] = Heads,
        ["num_key_value_heads"] = KvHeads,
        ["rms_norm_eps"] = 1e-5,
        ["rope_theta"] = 500000.0,
        ["max_position_embeddings"] = 64,
        ["tie_word_embeddings"] = true,
        ["torch_dtype"] = "float32",
    };

    /// <summary>Writes a well-formed checkpoint to a fresh temporary directory and loads it.</summary>
    public static LoadedModel Loaded(int maxPositions)
    {
        var directory = new TemporaryDirectory();
        var checkpoint = new RawCheckpoint();
        checkpoint.Config["max_position_embeddings"] = maxPositions;
        checkpoint.Write(directory.Path);
        return new LoadedModel(directory, CausalLanguageModel.Load(directory.Path));
    }

    /// <summary>A loaded raw checkpoint and its directory, both freed on dispose.</summary>
    public sealed record LoadedModel(TemporaryDirectory Directory, CausalLanguageModel Model) : IDisposable
    {
        public void Dispose()
        {
            Model.Dispose();
            Directory.Dispose();
        }
    }

    public void WriteConfig(string directory) =>
        File.WriteAllText(Path.Combine(directory, "config.json"), JsonSerializer.Serialize(Config));

    /// <summary>Writes config.json and the tensors into one file (or the named subset into <paramref name="fileName"/>).</summary>
    public void Write(string directory, string fileName = "model.safetensors", IEnumerable<string>? only = null)
    {
        WriteConfig(directory);
        var names = (only ?? Tensors.Keys).ToList();
        var header = new Dictionary<string, object>();
        long offset = 0;
        foreach (var name in names)
        {
            var (dtype, shape) = Tensors[name];
            var bytes = shape.Aggregate(1L, (a, b) => a * b) * (dtype == "F32" ? 4 : 2);
            header[name] = new { dtype, shape, data_offsets = new[] { offset, offset + bytes } };
            offset += bytes;
        }
        WriteFile(Path.Combine(directory, fileName), JsonSerializer.Serialize(header), offset);
    }

    /// <summary>A safetensors file with the given header text and <paramref name="dataBytes"/> bytes of small pseudo-random data.</summary>
    public static void WriteFile(string path, string headerJson, long dataBytes)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        using var stream = File.Create(path);
        stream.Write(BitConverter.GetBytes((long)header.Length));
        stream.Write(header);
        var random = new Random(7);
        var data = new byte[dataBytes];
        for (var i = 0; i + 4 <= data.Length; i += 4) BitConverter.TryWriteBytes(data.AsSpan(i), (float)(random.NextDouble() - 0.5) * 0.2f);
        stream.Write(data);
    }
}
