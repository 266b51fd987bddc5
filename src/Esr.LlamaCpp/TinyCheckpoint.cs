using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Esr.LlamaCpp;

/// <summary>
/// Writes tiny random Hugging Face checkpoints (config.json + model.safetensors with the Hugging Face tensor
/// names) for tests that compare implementations on the same weights.
/// </summary>
/// <remarks>
/// Values come from a seeded <see cref="Random"/> (not libtorch's generator), so the same seed gives the same
/// weights on every machine. Linear and embedding weights are N(0, 0.1²): at the preset sizes that gives logits
/// and attention scores with a standard deviation near 1, far from uniform. Llama norm weights are 1 + N(0, 0.1²);
/// Gemma-2 stores norms as offsets from 1 (its RMSNorm multiplies by 1 + w), so they are N(0, 0.1²).
/// </remarks>
public static class TinyCheckpoint
{
    /// <summary>Standard deviation of the random linear and embedding weights.</summary>
    public const double WeightStd = 0.1;

    /// <summary>Standard deviation of the perturbation of the norm weights around 1.</summary>
    public const double NormStd = 0.1;

    /// <summary>Writes <c>config.json</c> and <c>model.safetensors</c> into <paramref name="directory"/> (created if needed).</summary>
    /// <param name="directory">The checkpoint folder.</param>
    /// <param name="spec">The shape.</param>
    /// <param name="seed">Seeds the weights.</param>
    /// <param name="writeFile">
    /// Writes one whole file, given its path and the action that writes its content to a path (e.g. a temporary file
    /// renamed into place); by default the file is deleted and written in place.
    /// </param>
    public static void Write(string directory, TinySpec spec, int seed, Action<string, Action<string>>? writeFile = null)
    {
        if (spec.ModelType is not ("llama" or "gemma2")) throw new ArgumentException($"Unknown model type '{spec.ModelType}'.", nameof(spec));
        // Deleted first: the safetensors writer does not truncate a longer file it overwrites.
        writeFile ??= (path, write) =>
        {
            File.Delete(path);
            write(path);
        };
        Directory.CreateDirectory(directory);
        writeFile(Path.Combine(directory, "config.json"), path => File.WriteAllText(path, Config(spec).ToJsonString(new JsonSerializerOptions { WriteIndented = true })));

        var random = new Random(seed);
        var gemma = spec.ModelType == "gemma2";
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>();
        void Add(string name, double mean, double std, params long[] shape)
        {
            var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
            for (var i = 0; i < values.Length; i += 2)
            {
                var (first, second) = NextGaussianPair(random);
                values[i] = (float)(mean + std * first);
                if (i + 1 < values.Length) values[i + 1] = (float)(mean + std * second);
            }
            var tensor = torch.tensor(values, shape);
            tensors[name] = spec.Bfloat16 ? tensor.to_type(ScalarType.BFloat16) : tensor;
        }
        void AddNorm(string name) => Add(name, gemma ? 0 : 1, NormStd, spec.HiddenSize);

        int d = spec.HiddenSize, q = spec.Heads * spec.HeadDim, kv = spec.KvHeads * spec.HeadDim, ff = spec.IntermediateSize;
        Add("model.embed_tokens.weight", 0, WeightStd, spec.VocabSize, d);
        for (var layer = 0; layer < spec.Layers; layer++)
        {
            var prefix = $"model.layers.{layer}.";
            AddNorm(prefix + "input_layernorm.weight");
            Add(prefix + "self_attn.q_proj.weight", 0, WeightStd, q, d);
            Add(prefix + "self_attn.k_proj.weight", 0, WeightStd, kv, d);
            Add(prefix + "self_attn.v_proj.weight", 0, WeightStd, kv, d);
            Add(prefix + "self_attn.o_proj.weight", 0, WeightStd, d, q);
            AddNorm(prefix + "post_attention_layernorm.weight");
            if (gemma)
            {
                AddNorm(prefix + "pre_feedforward_layernorm.weight");
                AddNorm(prefix + "post_feedforward_layernorm.weight");
            }
            Add(prefix + "mlp.gate_proj.weight", 0, WeightStd, ff, d);
            Add(prefix + "mlp.up_proj.weight", 0, WeightStd, ff, d);
            Add(prefix + "mlp.down_proj.weight", 0, WeightStd, d, ff);
        }
        AddNorm("model.norm.weight");
        if (!spec.TieWordEmbeddings) Add("lm_head.weight", 0, WeightStd, spec.VocabSize, d);

        writeFile(Path.Combine(directory, "model.safetensors"), path => Safetensors.SaveStateDict(path, tensors));
    }

    /// <summary>The config.json content <see cref="Write"/> writes for <paramref name="spec"/>.</summary>
    public static JsonObject Config(TinySpec spec)
    {
        var gemma = spec.ModelType == "gemma2";
        var config = new JsonObject
        {
            ["model_type"] = spec.ModelType,
            ["architectures"] = new JsonArray(gemma ? "Gemma2ForCausalLM" : "LlamaForCausalLM"),
            ["vocab_size"] = spec.VocabSize,
            ["hidden_size"] = spec.HiddenSize,
            ["intermediate_size"] = spec.IntermediateSize,
            ["num_hidden_layers"] = spec.Layers,
            ["num_attention_heads"] = spec.Heads,
            ["num_key_value_heads"] = spec.KvHeads,
            ["head_dim"] = spec.HeadDim,
            ["rms_norm_eps"] = spec.RmsNormEps,
            ["rope_theta"] = spec.RopeTheta,
            ["rope_scaling"] = spec.RopeScaling is { } scaling
                ? new JsonObject
                {
                    ["rope_type"] = "llama3",
                    ["factor"] = scaling.Factor,
                    ["low_freq_factor"] = scaling.LowFreqFactor,
                    ["high_freq_factor"] = scaling.HighFreqFactor,
                    ["original_max_position_embeddings"] = scaling.OriginalMaxPositionEmbeddings,
                }
                : null,
            ["tie_word_embeddings"] = spec.TieWordEmbeddings,
            ["max_position_embeddings"] = spec.MaxPositionEmbeddings,
            ["bos_token_id"] = spec.BosTokenId,
            ["eos_token_id"] = spec.EosTokenId,
            ["attention_bias"] = false,
            ["torch_dtype"] = spec.Bfloat16 ? "bfloat16" : "float32",
        };
        if (gemma)
        {
            config["pad_token_id"] = 0;
            config["hidden_act"] = "gelu_pytorch_tanh";
            config["hidden_activation"] = "gelu_pytorch_tanh";
            config["query_pre_attn_scalar"] = spec.QueryPreAttnScalar;
            config["attn_logit_softcapping"] = spec.AttnLogitSoftcapping;
            config["final_logit_softcapping"] = spec.FinalLogitSoftcapping;
            config["sliding_window"] = spec.SlidingWindow;
        }
        else
        {
            config["hidden_act"] = "silu";
            config["mlp_bias"] = false;
        }
        return config;
    }

    private static (double, double) NextGaussianPair(Random random)
    {
        // Box-Muller; 1 - NextDouble() lies in (0, 1], so the logarithm is finite.
        var radius = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()));
        var angle = 2 * Math.PI * random.NextDouble();
        return (radius * Math.Cos(angle), radius * Math.Sin(angle));
    }
}
