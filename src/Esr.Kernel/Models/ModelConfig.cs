using System.Text.Json;
using System.Text.Json.Nodes;
using Esr.Kernel.Formats;

namespace Esr.Kernel.Models;

/// <summary>The hyper-parameters of a decoder, read from a Hugging Face <c>config.json</c>.</summary>
public sealed record ModelConfig
{
    public required ModelArchitecture Architecture { get; init; }
    public required int VocabularySize { get; init; }
    public required int HiddenSize { get; init; }
    public required int IntermediateSize { get; init; }
    public required int LayerCount { get; init; }
    public required int HeadCount { get; init; }
    public required int KeyValueHeadCount { get; init; }
    public required int HeadDimension { get; init; }
    public required double RmsNormEpsilon { get; init; }
    public required double RopeTheta { get; init; }
    public RopeScaling? RopeScaling { get; init; }
    public required bool TieWordEmbeddings { get; init; }
    public required int MaxPositionEmbeddings { get; init; }

    /// <summary>The dtype the checkpoint declares (<c>torch_dtype</c> or <c>dtype</c>), e.g. "bfloat16"; null when absent.</summary>
    public string? DeclaredDtype { get; init; }

    /// <summary>Gemma-2: attention scores are scaled by QueryPreAttentionScalar^-1/2 instead of HeadDimension^-1/2.</summary>
    public double? QueryPreAttentionScalar { get; init; }

    /// <summary>Gemma-2: cap·tanh(score/cap) on attention scores.</summary>
    public double? AttentionLogitSoftcap { get; init; }

    /// <summary>Gemma-2: cap·tanh(logit/cap) on the output logits.</summary>
    public double? FinalLogitSoftcap { get; init; }

    /// <summary>Gemma-2: the number of most recent positions a sliding-window layer sees (itself included).</summary>
    public int? SlidingWindow { get; init; }

    /// <summary>Per layer: whether it uses the sliding window (Gemma-2 alternates, starting with layer 0).</summary>
    public required IReadOnlyList<bool> SlidingLayers { get; init; }

    /// <summary>The scale applied to attention scores.</summary>
    public double AttentionScale => 1.0 / Math.Sqrt(QueryPreAttentionScalar ?? HeadDimension);

    /// <summary>Reads <c>config.json</c> from a model directory.</summary>
    /// <exception cref="ModelFormatException">The file is missing, malformed, or names an unsupported architecture.</exception>
    public static ModelConfig Load(string modelDirectory)
    {
        var path = Path.Combine(modelDirectory, "config.json");
        if (!File.Exists(path)) throw new ModelFormatException(path, "file not found (expected a Hugging Face config.json)");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException error)
        {
            throw new ModelFormatException(path, $"not valid JSON: {error.Message}");
        }
        using (document) return Parse(new JsonFields(path, document.RootElement));
    }

    /// <summary>The config.json fields <see cref="Load"/> reads back into this configuration.</summary>
    /// <param name="torchDtype">The <c>torch_dtype</c> to declare, e.g. "float32" or "bfloat16".</param>
    public JsonObject ToJson(string torchDtype)
    {
        var gemma = Architecture == ModelArchitecture.Gemma2;
        var json = new JsonObject
        {
            ["model_type"] = gemma ? "gemma2" : "llama",
            ["architectures"] = new JsonArray(gemma ? "Gemma2ForCausalLM" : "LlamaForCausalLM"),
            ["vocab_size"] = VocabularySize,
            ["hidden_size"] = HiddenSize,
            ["intermediate_size"] = IntermediateSize,
            ["num_hidden_layers"] = LayerCount,
            ["num_attention_heads"] = HeadCount,
            ["num_key_value_heads"] = KeyValueHeadCount,
            ["head_dim"] = HeadDimension,
            ["rms_norm_eps"] = RmsNormEpsilon,
            ["rope_theta"] = RopeTheta,
            ["rope_scaling"] = RopeScaling is { } scaling
                ? new JsonObject
                {
                    ["rope_type"] = "llama3",
                    ["factor"] = scaling.Factor,
                    ["low_freq_factor"] = scaling.LowFrequencyFactor,
                    ["high_freq_factor"] = scaling.HighFrequencyFactor,
                    ["original_max_position_embeddings"] = scaling.OriginalMaxPositionEmbeddings,
                }
                : null,
            ["tie_word_embeddings"] = TieWordEmbeddings,
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["attention_bias"] = false,
            ["hidden_act"] = gemma ? "gelu_pytorch_tanh" : "silu",
            ["torch_dtype"] = torchDtype,
        };
        if (gemma)
        {
            json["query_pre_attn_scalar"] = QueryPreAttentionScalar;
            json["attn_logit_softcapping"] = AttentionLogitSoftcap;
            json["final_logit_softcapping"] = FinalLogitSoftcap;
            json["sliding_window"] = SlidingWindow;
            json["layer_types"] = new JsonArray(SlidingLayers.Select(sliding => (JsonNode?)(sliding ? "sliding_attention" : "full_attention")).ToArray());
        }
        return json;
    }

    private static ModelConfig Parse(JsonFields json)
    {
        var modelType = json.String("model_type");
        var architecture = modelType switch
        {
            "llama" => ModelArchitecture.Llama,
            "gemma2" => ModelArchitecture.Gemma2,
            _ => throw json.Error("model_type", $"'{modelType}' is not supported (expected \"llama\" or \"gemma2\")"),
        };
        var hiddenSize = json.PositiveInt("hidden_size");
        var headCount = json.PositiveInt("num_attention_heads");
        var keyValueHeadCount = json.OptionalPositiveInt("num_key_value_heads") ?? headCount;
        if (headCount % keyValueHeadCount != 0)
            throw json.Error("num_key_value_heads", $"is {keyValueHeadCount}, expected a divisor of num_attention_heads ({headCount})");
        var headDimension = json.OptionalPositiveInt("head_dim") ?? hiddenSize / headCount;
        // Rotary embeddings rotate pairs of a head's dimensions.
        if (headDimension < 1 || headDimension % 2 != 0)
            throw json.Error("head_dim", $"(given, or hidden_size / num_attention_heads when absent) is {headDimension}, expected a positive even number");
        var layerCount = json.PositiveInt("num_hidden_layers");
        var isGemma = architecture == ModelArchitecture.Gemma2;
        var slidingWindow = isGemma ? json.OptionalPositiveInt("sliding_window") : null;
        return new ModelConfig
        {
            Architecture = architecture,
            VocabularySize = json.PositiveInt("vocab_size"),
            HiddenSize = hiddenSize,
            IntermediateSize = json.PositiveInt("intermediate_size"),
            LayerCount = layerCount,
            HeadCount = headCount,
            KeyValueHeadCount = keyValueHeadCount,
            HeadDimension = headDimension,
            RmsNormEpsilon = json.PositiveDouble("rms_norm_eps"),
            RopeTheta = json.OptionalPositiveDouble("rope_theta") ?? 10000.0,
            RopeScaling = ParseRopeScaling(json),
            TieWordEmbeddings = json.OptionalBool("tie_word_embeddings") ?? isGemma,
            MaxPositionEmbeddings = json.PositiveInt("max_position_embeddings"),
            DeclaredDtype = json.OptionalString("torch_dtype") ?? json.OptionalString("dtype"),
            QueryPreAttentionScalar = isGemma ? json.PositiveDouble("query_pre_attn_scalar") : null,
            AttentionLogitSoftcap = isGemma ? json.OptionalPositiveDouble("attn_logit_softcapping") : null,
            FinalLogitSoftcap = isGemma ? json.OptionalPositiveDouble("final_logit_softcapping") : null,
            SlidingWindow = slidingWindow,
            SlidingLayers = SlidingLayersOf(json, layerCount, slidingWindow is not null),
        };
    }

    private static IReadOnlyList<bool> SlidingLayersOf(JsonFields json, int layerCount, bool hasWindow)
    {
        if (!hasWindow) return new bool[layerCount];
        var declared = json.OptionalStrings("layer_types");
        if (declared is null) return Enumerable.Range(0, layerCount).Select(layer => layer % 2 == 0).ToArray();
        if (declared.Count != layerCount)
            throw json.Error("layer_types", $"has {declared.Count} entries but num_hidden_layers is {layerCount}");
        return declared.Select(type => type switch
        {
            "sliding_attention" => true,
            "full_attention" => false,
            _ => throw json.Error("layer_types", $"entry '{type}' is not \"sliding_attention\" or \"full_attention\""),
        }).ToArray();
    }

    private static RopeScaling? ParseRopeScaling(JsonFields json)
    {
        var scaling = json.OptionalObject("rope_scaling");
        if (scaling is null) return null;
        var type = scaling.OptionalString("rope_type") ?? scaling.String("type");
        if (type == "default") return null;
        if (type != "llama3") throw scaling.Error("rope_type", $"'{type}' is not supported (expected \"llama3\")");
        return new RopeScaling(
            scaling.Double("factor"),
            scaling.Double("low_freq_factor"),
            scaling.Double("high_freq_factor"),
            scaling.Int("original_max_position_embeddings"));
    }
}
