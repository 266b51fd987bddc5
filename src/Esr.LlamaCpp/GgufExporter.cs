using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Esr.LlamaCpp;

/// <summary>
/// Converts a Hugging Face Llama or Gemma-2 checkpoint into an F32 GGUF file that llama.cpp loads, doing what
/// llama.cpp's own Hugging Face converter does to the weights (see docs/decisions/llamacpp.md).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Tensor names become llama.cpp's (<c>token_embd</c>, <c>blk.N.attn_q</c>, <c>blk.N.ffn_gate</c>, ...).</item>
/// <item>Llama: the rows of each query and key head are reordered from Hugging Face's half-split rotary layout
/// (dimension i pairs with i + head_dim/2) to llama.cpp's interleaved one (2i pairs with 2i+1). Llama-3 rotary
/// scaling becomes the <c>rope_freqs.weight</c> tensor of per-frequency divisors.</item>
/// <item>Gemma-2: norm weights are stored as 1 + w (Hugging Face's Gemma RMSNorm multiplies by 1 + w, llama.cpp's
/// by the stored weight). llama.cpp scales queries by head_dim^-0.5 (by (d/heads)^-0.5 for 46-block models) and
/// ignores query_pre_attn_scalar, so when they differ the query weights are multiplied by the ratio, which gives
/// the same attention scores.</item>
/// <item>Tokenizer: a placeholder SentencePiece-type ("llama") vocabulary of vocab_size unique tokens, with the
/// bos/eos ids of config.json marked as control tokens. Token ids are fed to llama.cpp directly; no text is
/// tokenized, so the real tokenizer is not needed.</item>
/// </list>
/// Tensors are read and written one at a time; memory stays near the size of the largest tensor.
/// </remarks>
public static class GgufExporter
{
    /// <summary>Converts <paramref name="huggingFaceModelDirectory"/> to an F32 GGUF file at <paramref name="ggufPath"/>.</summary>
    /// <exception cref="NotSupportedException">The model type, a rotary scaling type or a tensor is not handled.</exception>
    public static void Export(string huggingFaceModelDirectory, string ggufPath)
    {
        var checkpoint = HuggingFaceCheckpoint.Open(huggingFaceModelDirectory);
        var config = checkpoint.Config;
        var modelType = config["model_type"]?.GetValue<string>() ?? throw new InvalidDataException("config.json has no model_type.");
        var arch = modelType switch
        {
            "llama" => "llama",
            "gemma2" => "gemma2",
            _ => throw new NotSupportedException($"model_type '{modelType}' is not exported; only llama and gemma2 are."),
        };
        var gemma = arch == "gemma2";

        var shape = ModelShape.From(config);
        var writer = new GgufWriter();
        writer.AddString("general.architecture", arch);
        writer.AddString("general.name", Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(huggingFaceModelDirectory))));
        writer.AddUInt32("general.file_type", 0); // all tensors F32
        writer.AddUInt32($"{arch}.vocab_size", (uint)shape.VocabSize);
        writer.AddUInt32($"{arch}.context_length", (uint)(OptionalInt(config, "max_position_embeddings") ?? 4096));
        writer.AddUInt32($"{arch}.embedding_length", (uint)shape.HiddenSize);
        writer.AddUInt32($"{arch}.block_count", (uint)shape.Layers);
        writer.AddUInt32($"{arch}.feed_forward_length", (uint)RequiredInt(config, "intermediate_size"));
        writer.AddUInt32($"{arch}.attention.head_count", (uint)shape.Heads);
        writer.AddUInt32($"{arch}.attention.head_count_kv", (uint)shape.KvHeads);
        writer.AddUInt32($"{arch}.attention.key_length", (uint)shape.HeadDim);
        writer.AddUInt32($"{arch}.attention.value_length", (uint)shape.HeadDim);
        writer.AddUInt32($"{arch}.rope.dimension_count", (uint)shape.HeadDim);
        writer.AddFloat32($"{arch}.rope.freq_base", (float)(OptionalDouble(config, "rope_theta") ?? 10000));
        writer.AddFloat32($"{arch}.attention.layer_norm_rms_epsilon", (float)(OptionalDouble(config, "rms_norm_eps") ?? 1e-6));

        var queryScale = 1.0;
        if (gemma)
        {
            // A null cap means "no capping"; llama.cpp always caps Gemma-2, so a cap far above any score is written.
            writer.AddFloat32("gemma2.attn_logit_softcapping", (float)(OptionalDouble(config, "attn_logit_softcapping") ?? 1e6));
            writer.AddFloat32("gemma2.final_logit_softcapping", (float)(OptionalDouble(config, "final_logit_softcapping") ?? 1e6));
            writer.AddUInt32("gemma2.attention.sliding_window", (uint)(OptionalInt(config, "sliding_window") ?? 4096));
            var llamaCppScaleBase = shape.Layers == 46 ? shape.HiddenSize / shape.Heads : shape.HeadDim;
            var wanted = OptionalDouble(config, "query_pre_attn_scalar") ?? shape.HeadDim;
            queryScale = Math.Sqrt(llamaCppScaleBase / wanted);
            if (config["tie_word_embeddings"]?.GetValue<bool>() == false)
                throw new NotSupportedException("llama.cpp's Gemma-2 always ties the output projection to the embeddings; this checkpoint does not.");
        }

        AddVocabulary(writer, config, shape.VocabSize);
        AddTensors(writer, checkpoint, config, shape, gemma, queryScale);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(ggufPath))!);
        writer.WriteTo(ggufPath);
    }

    private static void AddTensors(GgufWriter writer, HuggingFaceCheckpoint checkpoint, JsonObject config, ModelShape shape, bool gemma, double queryScale)
    {
        var known = new HashSet<string>();
        void Map(string source, string target, Func<Tensor, Tensor>? transform = null)
        {
            known.Add(source);
            writer.AddTensor(target, checkpoint.Shape(source), () =>
            {
                using var scope = NewDisposeScope();
                var tensor = checkpoint.Load(source);
                if (transform is not null) tensor = transform(tensor);
                return tensor.contiguous().data<float>().ToArray();
            });
        }
        Func<Tensor, Tensor>? Norm() => gemma ? w => w + 1 : null;

        Map("model.embed_tokens.weight", "token_embd.weight");
        for (var layer = 0; layer < shape.Layers; layer++)
        {
            var hf = $"model.layers.{layer}.";
            var blk = $"blk.{layer}.";
            Map(hf + "input_layernorm.weight", blk + "attn_norm.weight", Norm());
            Map(hf + "self_attn.q_proj.weight", blk + "attn_q.weight",
                gemma ? (queryScale == 1 ? null : w => w * queryScale) : w => PermuteForInterleavedRope(w, shape.Heads));
            Map(hf + "self_attn.k_proj.weight", blk + "attn_k.weight", gemma ? null : w => PermuteForInterleavedRope(w, shape.KvHeads));
            Map(hf + "self_attn.v_proj.weight", blk + "attn_v.weight");
            Map(hf + "self_attn.o_proj.weight", blk + "attn_output.weight");
            if (gemma)
            {
                Map(hf + "post_attention_layernorm.weight", blk + "post_attention_norm.weight", Norm());
                Map(hf + "pre_feedforward_layernorm.weight", blk + "ffn_norm.weight", Norm());
                Map(hf + "post_feedforward_layernorm.weight", blk + "post_ffw_norm.weight", Norm());
            }
            else Map(hf + "post_attention_layernorm.weight", blk + "ffn_norm.weight");
            Map(hf + "mlp.gate_proj.weight", blk + "ffn_gate.weight");
            Map(hf + "mlp.up_proj.weight", blk + "ffn_up.weight");
            Map(hf + "mlp.down_proj.weight", blk + "ffn_down.weight");
        }
        Map("model.norm.weight", "output_norm.weight", Norm());

        var tied = config["tie_word_embeddings"]?.GetValue<bool>() ?? gemma;
        if (!tied) Map("lm_head.weight", "output.weight");
        else known.Add("lm_head.weight"); // some tied checkpoints still carry a copy; llama.cpp reuses token_embd

        if (!gemma && config["rope_scaling"] is JsonObject scaling) AddRopeScaling(writer, scaling, config, shape);

        var unknown = checkpoint.TensorNames.Where(name => !known.Contains(name) && !name.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal)).ToList();
        if (unknown.Count > 0) throw new NotSupportedException($"Tensors the exporter does not map (biases are not supported): {string.Join(", ", unknown.Take(5))}.");
    }

    /// <summary>
    /// Reorders the rows of each head from [first halves of the pairs; second halves] to [pair 0; pair 1; ...]:
    /// new row 2i + j of a head is old row j·(head_dim/2) + i. Both query and key get the same reordering, so
    /// their dot products are unchanged while llama.cpp's interleaved rotation pairs the right dimensions.
    /// </summary>
    internal static Tensor PermuteForInterleavedRope(Tensor weight, int heads)
    {
        var rows = weight.shape[0];
        var columns = weight.shape[1];
        return weight.reshape(heads, 2, rows / heads / 2, columns).transpose(1, 2).reshape(rows, columns);
    }

    private static void AddRopeScaling(GgufWriter writer, JsonObject scaling, JsonObject config, ModelShape shape)
    {
        var type = (scaling["rope_type"] ?? scaling["type"])?.GetValue<string>();
        if (type == "default" || type is null) return;
        if (type != "llama3") throw new NotSupportedException($"rope_scaling type '{type}' is not exported; only llama3 is.");
        var llama3 = new Llama3RopeScaling(
            RequiredDouble(scaling, "factor"), OptionalDouble(scaling, "low_freq_factor") ?? 1, OptionalDouble(scaling, "high_freq_factor") ?? 4,
            OptionalInt(scaling, "original_max_position_embeddings") ?? 8192);
        var divisors = llama3.FrequencyDivisors(OptionalDouble(config, "rope_theta") ?? 10000, shape.HeadDim);
        writer.AddTensor("rope_freqs.weight", [divisors.Length], () => divisors);
    }

    /// <summary>
    /// A placeholder SentencePiece-type vocabulary: llama.cpp needs one of exactly vocab_size entries to load the
    /// model, but never tokenizes text here. Special ids outside the vocabulary are left out.
    /// </summary>
    private static void AddVocabulary(GgufWriter writer, JsonObject config, int vocabSize)
    {
        const int normal = 1, control = 3;
        var bos = FirstId(config["bos_token_id"]);
        var eos = FirstId(config["eos_token_id"]);
        var pad = FirstId(config["pad_token_id"]);
        bool InVocabulary(int? id) => id is >= 0 && id < vocabSize;

        var tokens = new string[vocabSize];
        var types = new int[vocabSize];
        for (var id = 0; id < vocabSize; id++)
        {
            (tokens[id], types[id]) = id == bos ? ("<bos>", control) : id == eos ? ("<eos>", control) : id == pad ? ("<pad>", control) : ($"<tok{id}>", normal);
        }
        writer.AddString("tokenizer.ggml.model", "llama");
        writer.AddStringArray("tokenizer.ggml.tokens", tokens);
        writer.AddFloat32Array("tokenizer.ggml.scores", new float[vocabSize]);
        writer.AddInt32Array("tokenizer.ggml.token_type", types);
        if (InVocabulary(bos)) writer.AddUInt32("tokenizer.ggml.bos_token_id", (uint)bos!.Value);
        if (InVocabulary(eos)) writer.AddUInt32("tokenizer.ggml.eos_token_id", (uint)eos!.Value);
        if (InVocabulary(pad)) writer.AddUInt32("tokenizer.ggml.padding_token_id", (uint)pad!.Value);
        writer.AddBool("tokenizer.ggml.add_bos_token", false);
        writer.AddBool("tokenizer.ggml.add_eos_token", false);
    }

    private static int? FirstId(JsonNode? node) => node switch
    {
        null => null,
        JsonArray array => array.Count > 0 ? array[0]!.GetValue<int>() : null,
        _ => node.GetValue<int>(),
    };

    private static int RequiredInt(JsonObject json, string key) =>
        OptionalInt(json, key) ?? throw new InvalidDataException($"config.json has no '{key}'.");

    private static double RequiredDouble(JsonObject json, string key) =>
        OptionalDouble(json, key) ?? throw new InvalidDataException($"rope_scaling has no '{key}'.");

    private static int? OptionalInt(JsonObject json, string key) => json[key] is { } node ? (int)node.GetValue<double>() : null;

    private static double? OptionalDouble(JsonObject json, string key) => json[key] is { } node ? node.GetValue<double>() : null;

    /// <summary>The sizes the exporter needs from config.json.</summary>
    private sealed record ModelShape(int VocabSize, int HiddenSize, int Layers, int Heads, int KvHeads, int HeadDim)
    {
        public static ModelShape From(JsonObject config)
        {
            var hidden = RequiredInt(config, "hidden_size");
            var heads = RequiredInt(config, "num_attention_heads");
            return new ModelShape(
                RequiredInt(config, "vocab_size"), hidden, RequiredInt(config, "num_hidden_layers"), heads,
                OptionalInt(config, "num_key_value_heads") ?? heads, OptionalInt(config, "head_dim") ?? hidden / heads);
        }
    }
}
