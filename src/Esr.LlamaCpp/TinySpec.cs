namespace Esr.LlamaCpp;

/// <summary>
/// The shape of a tiny random Hugging Face checkpoint written by <see cref="TinyCheckpoint"/>: the config.json
/// keys of a Llama or Gemma-2 model. Start from a preset and change fields with <c>with</c>.
/// </summary>
public sealed record TinySpec
{
    /// <summary>Hugging Face <c>model_type</c>: "llama" or "gemma2".</summary>
    public required string ModelType { get; init; }

    /// <summary>Vocabulary size.</summary>
    public int VocabSize { get; init; } = 256;

    /// <summary>Residual width d.</summary>
    public int HiddenSize { get; init; } = 64;

    /// <summary>Width of the gated MLP.</summary>
    public int IntermediateSize { get; init; } = 128;

    /// <summary>Number of decoder blocks.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>Query heads.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Key/value heads (fewer than <see cref="Heads"/> for grouped-query attention).</summary>
    public int KvHeads { get; init; } = 4;

    /// <summary>Width of one head; need not equal <see cref="HiddenSize"/> / <see cref="Heads"/>.</summary>
    public int HeadDim { get; init; } = 16;

    /// <summary>RMSNorm epsilon.</summary>
    public double RmsNormEps { get; init; } = 1e-5;

    /// <summary>Rotary base.</summary>
    public double RopeTheta { get; init; } = 10000;

    /// <summary>Llama 3 rotary scaling, or null for none.</summary>
    public Llama3RopeScaling? RopeScaling { get; init; }

    /// <summary>Whether the output projection reuses the embedding matrix (no <c>lm_head.weight</c> written).</summary>
    public bool TieWordEmbeddings { get; init; }

    /// <summary>Trained context length written to config.json.</summary>
    public int MaxPositionEmbeddings { get; init; } = 512;

    /// <summary>Beginning-of-sequence token id.</summary>
    public int BosTokenId { get; init; } = 1;

    /// <summary>End-of-sequence token id.</summary>
    public int EosTokenId { get; init; } = 2;

    /// <summary>Gemma-2: attention scores are multiplied by <c>QueryPreAttnScalar^-0.5</c>.</summary>
    public double QueryPreAttnScalar { get; init; } = 16;

    /// <summary>Gemma-2: cap c in <c>c·tanh(score/c)</c> on attention scores.</summary>
    public double AttnLogitSoftcapping { get; init; } = 50;

    /// <summary>Gemma-2: cap c in <c>c·tanh(logit/c)</c> on output logits.</summary>
    public double FinalLogitSoftcapping { get; init; } = 30;

    /// <summary>Gemma-2: even-numbered blocks attend only to the last <c>SlidingWindow</c> positions (self included).</summary>
    public int SlidingWindow { get; init; } = 4096;

    /// <summary>Store the weights as bfloat16 instead of float32.</summary>
    public bool Bfloat16 { get; init; }

    /// <summary>Llama with grouped-query attention (4 query heads over 2 KV heads), 3 blocks, untied output.</summary>
    public static TinySpec LlamaGqaUntied => new()
    {
        ModelType = "llama", Layers = 3, Heads = 4, KvHeads = 2, HeadDim = 16, IntermediateSize = 176,
    };

    /// <summary>
    /// Llama with tied embeddings and Llama-3 rotary scaling whose thresholds fall inside the head's frequency
    /// range (one frequency kept, one blended, the rest divided by 8), theta 500000 as in Llama 3.
    /// </summary>
    public static TinySpec LlamaTiedLlama3Rope => new()
    {
        ModelType = "llama", Layers = 2, Heads = 4, KvHeads = 4, HeadDim = 16, TieWordEmbeddings = true,
        RopeTheta = 500000, RopeScaling = new Llama3RopeScaling(8, 1, 4, 64),
    };

    /// <summary>
    /// Gemma-2 with a sliding window of 6 (shorter than the test sequences), 3 blocks (local, global, local),
    /// head_dim 24 ≠ d/heads, query_pre_attn_scalar 16 ≠ head_dim (as in Gemma-2 27B), and soft caps low enough
    /// to bend the random model's scores.
    /// </summary>
    public static TinySpec Gemma2SlidingWindow => new()
    {
        ModelType = "gemma2", Layers = 3, Heads = 4, KvHeads = 2, HeadDim = 24, IntermediateSize = 128,
        RmsNormEps = 1e-6, TieWordEmbeddings = true, BosTokenId = 2, EosTokenId = 1,
        QueryPreAttnScalar = 16, AttnLogitSoftcapping = 2, FinalLogitSoftcapping = 3, SlidingWindow = 6,
    };
}
