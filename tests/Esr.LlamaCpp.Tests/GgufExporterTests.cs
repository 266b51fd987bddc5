using System.Text;
using System.Text.Json.Nodes;
using LLama.Native;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Esr.LlamaCpp.Tests;

[Collection(TinyModelsCollection.Name)]
public sealed class GgufExporterTests(TinyModels models) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("esr-export-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_llama_export_has_llama_cpp_names_shapes_and_metadata()
    {
        var spec = TinySpec.LlamaGqaUntied;
        var file = GgufFile.Read(models.GgufPath("llama-gqa-untied"));
        Assert.Equal("llama", file.Get<string>("general.architecture"));
        Assert.Equal((uint)spec.Layers, file.Get<uint>("llama.block_count"));
        Assert.Equal((uint)spec.KvHeads, file.Get<uint>("llama.attention.head_count_kv"));
        Assert.Equal((uint)spec.HeadDim, file.Get<uint>("llama.rope.dimension_count"));
        Assert.Equal(spec.VocabSize, file.Get<string[]>("tokenizer.ggml.tokens").Length);
        Assert.Equal("llama", file.Get<string>("tokenizer.ggml.model"));
        Assert.Equal((uint)spec.BosTokenId, file.Get<uint>("tokenizer.ggml.bos_token_id"));

        var shapes = file.Tensors.ToDictionary(t => t.Name, t => t.Shape);
        Assert.Equal(3 + 9 * spec.Layers, shapes.Count); // embeddings, final norm, output; 9 per block
        Assert.Equal([spec.VocabSize, spec.HiddenSize], shapes["token_embd.weight"]);
        Assert.Equal([spec.VocabSize, spec.HiddenSize], shapes["output.weight"]);
        Assert.Equal([spec.KvHeads * spec.HeadDim, spec.HiddenSize], shapes["blk.2.attn_k.weight"]);
        Assert.Equal([spec.IntermediateSize, spec.HiddenSize], shapes["blk.0.ffn_gate.weight"]);
        Assert.All(file.Tensors, t => Assert.Equal(GgufTensorInfo.F32, t.GgmlType));
    }

    [Fact]
    public void Llama_cpp_reads_the_same_metadata_back()
    {
        _ = models["gemma2-sliding-window"]; // the fixture has initialised LLamaSharp's native library
        using var model = SafeLlamaModelHandle.LoadFromFile(models.GgufPath("gemma2-sliding-window"), LLamaModelParams.Default());
        // By index: LLamaSharp's lookup by key returned null for some keys that are present.
        var metadata = Enumerable.Range(0, model.MetadataCount).ToDictionary(
            i => Encoding.UTF8.GetString(model.MetadataKeyByIndex(i)!.Value.Span),
            i => Encoding.UTF8.GetString(model.MetadataValueByIndex(i)!.Value.Span));
        Assert.Equal("gemma2", metadata["general.architecture"]);
        Assert.Equal("6", metadata["gemma2.attention.sliding_window"]);
        Assert.Equal("3.000000", metadata["gemma2.final_logit_softcapping"]);
        Assert.Equal("2.000000", metadata["gemma2.attn_logit_softcapping"]);
        Assert.Equal(TinySpec.Gemma2SlidingWindow.Layers, model.LayerCount);
        Assert.Equal(TinySpec.Gemma2SlidingWindow.VocabSize, model.Vocab.Count);
    }

    [Fact]
    public void Query_and_key_rows_are_reordered_from_half_split_to_interleaved_pairs()
    {
        // Head width 4: Hugging Face pairs rows (0, 2) and (1, 3); llama.cpp pairs (0, 1) and (2, 3).
        using var weight = arange(16, dtype: ScalarType.Float32).reshape(8, 2);
        using var permuted = GgufExporter.PermuteForInterleavedRope(weight, heads: 2);
        Assert.Equal([0f, 2f, 1f, 3f, 4f, 6f, 5f, 7f], permuted[.., 0].data<float>().ToArray().Select(v => v / 2).ToArray());
    }

    [Fact]
    public void Gemma_norms_are_stored_as_one_plus_the_checkpoint_weight_and_llama3_scaling_as_rope_freqs()
    {
        using var scope = NewDisposeScope();
        var gemma = Safetensors.LoadStateDict(Path.Combine(models.CheckpointDirectory("gemma2-sliding-window"), "model.safetensors"));
        var exported = GgufFile.Read(models.GgufPath("gemma2-sliding-window")).ReadTensor("blk.1.post_ffw_norm.weight");
        var original = gemma["model.layers.1.post_feedforward_layernorm.weight"].data<float>().ToArray();
        Assert.Equal(original.Select(w => 1 + w), exported);

        var spec = TinySpec.LlamaTiedLlama3Rope;
        var divisors = GgufFile.Read(models.GgufPath("llama-tied-llama3-rope")).ReadTensor("rope_freqs.weight");
        Assert.Equal(spec.HeadDim / 2, divisors.Length);
        Assert.Equal(1f, divisors[0]);                       // short wavelength: kept
        Assert.InRange(divisors[1], 1.01f, 7.99f);           // between the thresholds: blended
        Assert.All(divisors[2..], d => Assert.Equal(8f, d)); // long wavelengths: divided by the factor
    }

    [Fact]
    public void A_one_block_bfloat16_llama_matches_the_float64_forward_pass()
    {
        var checkpoint = Path.Combine(_directory, "bf16");
        TinyCheckpoint.Write(checkpoint, TinySpec.LlamaGqaUntied with { Layers = 1, Bfloat16 = true }, seed: 99);
        var gguf = Path.Combine(_directory, "bf16.gguf");
        GgufExporter.Export(checkpoint, gguf);
        using var model = LlamaCppModel.Load(gguf, new LlamaCppOptions { Threads = 2 });
        int[] tokens = [1, 40, 7, 255, 3, 99, 12, 12];
        var expected = new ReferenceTransformer(checkpoint).Forward(tokens).Logits;
        var actual = model.Logits(tokens);
        var difference = actual.Select((row, t) => row.Select((v, i) => Math.Abs(v - expected[t][i])).Max()).Max();
        Assert.True(difference < 2e-5, $"max |Δlogit| = {difference:E2}");
    }

    [Fact]
    public void A_sharded_checkpoint_exports_the_same_file_as_a_single_one()
    {
        var single = Path.Combine(_directory, "single");
        var sharded = Path.Combine(_directory, "sharded");
        var spec = TinySpec.LlamaGqaUntied with { Layers = 2 };
        TinyCheckpoint.Write(single, spec, seed: 5);
        Directory.CreateDirectory(sharded);
        File.Copy(Path.Combine(single, "config.json"), Path.Combine(sharded, "config.json"));
        using (var scope = NewDisposeScope())
        {
            var all = Safetensors.LoadStateDict(Path.Combine(single, "model.safetensors"));
            var weightMap = new JsonObject();
            var shards = all.Keys.Order().Chunk((all.Count + 1) / 2).ToArray();
            for (var i = 0; i < shards.Length; i++)
            {
                var name = $"model-{i + 1:00000}-of-{shards.Length:00000}.safetensors";
                Safetensors.SaveStateDict(Path.Combine(sharded, name), shards[i].ToDictionary(key => key, key => all[key]));
                foreach (var key in shards[i]) weightMap[key] = name;
            }
            File.WriteAllText(Path.Combine(sharded, "model.safetensors.index.json"), new JsonObject { ["weight_map"] = weightMap }.ToJsonString());
        }
        GgufExporter.Export(single, Path.Combine(_directory, "single.gguf"));
        GgufExporter.Export(sharded, Path.Combine(_directory, "sharded.gguf"));
        var a = GgufFile.Read(Path.Combine(_directory, "single.gguf"));
        var b = GgufFile.Read(Path.Combine(_directory, "sharded.gguf"));
        Assert.Equal(a.Tensors.Select(t => t.Name), b.Tensors.Select(t => t.Name));
        foreach (var tensor in a.Tensors) Assert.Equal(a.ReadTensor(tensor.Name), b.ReadTensor(tensor.Name));
    }

    [Fact]
    public void Unsupported_model_types_are_refused_by_name()
    {
        var checkpoint = Path.Combine(_directory, "mistral");
        TinyCheckpoint.Write(checkpoint, TinySpec.LlamaGqaUntied with { Layers = 1 }, seed: 1);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(checkpoint, "config.json")))!;
        config["model_type"] = "mistral";
        File.WriteAllText(Path.Combine(checkpoint, "config.json"), config.ToJsonString());
        var error = Assert.Throws<NotSupportedException>(() => GgufExporter.Export(checkpoint, Path.Combine(_directory, "m.gguf")));
        Assert.Contains("mistral", error.Message);
    }
}
