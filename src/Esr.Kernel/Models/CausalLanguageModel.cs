using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Esr.Kernel.Models;

/// <summary>
/// A Llama-3.x or Gemma-2 decoder: token embedding, decoder blocks, final norm, output projection. Forward passes
/// go through a <see cref="KvCache"/>, so the same code serves a whole prompt, a batch of left-padded prompts,
/// and one decoding step; hooks read or edit <c>blocks.L.resid_post</c> on the way.
/// </summary>
public sealed class CausalLanguageModel : nn.Module
{
    private readonly Parameter embedding;          // [vocab, d_model]
    private readonly ModuleList<DecoderBlock> layers;
    private readonly RmsNorm norm;
    private readonly Parameter? outputProjection;  // [vocab, d_model]; absent when tied to the embedding
    private readonly RotaryEmbedding _rotary;
    private readonly Scalar? _embeddingScale;   // Gemma-2 only
    private readonly Scalar? _finalSoftcap;     // Gemma-2 only

    /// <summary>The hyper-parameters the model was built from.</summary>
    public ModelConfig Config { get; }

    /// <summary>The dtype of the weights and activations.</summary>
    public ScalarType Dtype { get; }

    private CausalLanguageModel(ModelConfig config, ScalarType dtype) : base("model")
    {
        Config = config;
        Dtype = dtype;
        embedding = new Parameter(empty([config.VocabularySize, config.HiddenSize], dtype), requires_grad: false);
        layers = new ModuleList<DecoderBlock>(Enumerable.Range(0, config.LayerCount)
            .Select(layer => new DecoderBlock($"{layer}", config, layer, dtype)).ToArray());
        norm = new RmsNorm("norm", config.HiddenSize, config.RmsNormEpsilon, config.Architecture == ModelArchitecture.Gemma2, dtype);
        if (!config.TieWordEmbeddings)
            outputProjection = new Parameter(empty([config.VocabularySize, config.HiddenSize], dtype), requires_grad: false);
        _rotary = new RotaryEmbedding(config);
        // Gemma-2 scales embeddings by sqrt(d_model) rounded to the model's dtype, as its reference code does.
        if (config.Architecture == ModelArchitecture.Gemma2)
        {
            using var rounded = tensor(Math.Sqrt(config.HiddenSize), dtype);
            _embeddingScale = rounded.to_type(ScalarType.Float64).item<double>().ToScalar();
        }
        _finalSoftcap = config.FinalLogitSoftcap?.ToScalar();
        RegisterComponents();
        // The model owns its weights for its whole life, even when built inside a caller's dispose scope.
        foreach (var parameter in parameters()) parameter.DetachFromDisposeScope();
    }

    /// <summary>
    /// A model with fresh random weights for training from scratch, initialised as Llama is: every matrix (embedding,
    /// projections) drawn from N(0, 0.02²) by a generator seeded with <paramref name="seed"/>, norm weights one.
    /// Its parameters track gradients (see <see cref="TrackGradients"/>).
    /// </summary>
    /// <param name="config">The shape; only Llama is supported for training.</param>
    /// <param name="seed">Seeds the initialisation; the same seed gives the same weights.</param>
    public static CausalLanguageModel Create(ModelConfig config, long seed)
    {
        if (config.Architecture != ModelArchitecture.Llama)
            throw new ArgumentException($"only Llama models can be created for training (got {config.Architecture})", nameof(config));
        var model = new CausalLanguageModel(config, ScalarType.Float32);
        using (no_grad())
        {
            // An explicit generator: the global one may have been used by anything before.
            using var generator = new Generator((ulong)seed);
            using var std = InitialWeightStd.ToScalar();
            foreach (var (_, weight) in model.Weights())
            {
                if (weight.dim() >= 2) weight.copy_(randn(weight.shape, generator: generator).mul_(std));
            }
        }
        model.TrackGradients(true);
        return model;
    }

    /// <summary>The standard deviation of freshly initialised matrices (Llama's <c>initializer_range</c>).</summary>
    public const double InitialWeightStd = 0.02;

    /// <summary>Turns gradient tracking of every parameter on (to train it) or off (loaded models start off).</summary>
    public void TrackGradients(bool enabled)
    {
        foreach (var parameter in parameters()) parameter.requires_grad = enabled;
    }

    /// <summary>
    /// Loads a Hugging Face model directory (config.json plus model.safetensors or a sharded index), reading one
    /// tensor at a time into the model's own storage so that peak memory stays near the model's size.
    /// </summary>
    /// <param name="modelDirectory">The snapshot directory.</param>
    /// <param name="dtype">Float32 or BFloat16; weights stored in another dtype are converted tensor by tensor.</param>
    /// <exception cref="ModelFormatException">A file is missing or malformed, or disagrees with config.json.</exception>
    public static CausalLanguageModel Load(string modelDirectory, ScalarType dtype = ScalarType.Float32)
    {
        if (dtype is not (ScalarType.Float32 or ScalarType.BFloat16))
            throw new ArgumentException($"dtype {dtype} is not supported (expected Float32 or BFloat16)", nameof(dtype));
        var config = ModelConfig.Load(modelDirectory);
        using var checkpoint = Checkpoint.Open(modelDirectory);
        checkpoint.EnsureNoBlocksBeyond(config.LayerCount, Path.Combine(modelDirectory, "config.json"));
        var model = new CausalLanguageModel(config, dtype);
        try
        {
            model.ReadWeights(checkpoint, Path.Combine(modelDirectory, "config.json"));
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return model;
    }

    private void ReadWeights(Checkpoint checkpoint, string configPath)
    {
        using var _ = no_grad();
        var expectedDtype = Config.DeclaredDtype switch
        {
            "float32" => "F32",
            "bfloat16" => "BF16",
            "float16" => "F16",
            _ => null,
        };
        foreach (var (name, destination) in Weights())
        {
            var (file, entry) = checkpoint.Find(name, $"expected by config.json: {Config.Architecture}, {Config.LayerCount} layers");
            if (!entry.Shape.SequenceEqual(destination.shape))
                throw new ModelFormatException(file.Path,
                    $"tensor '{name}' has shape [{string.Join(", ", entry.Shape)}] but {configPath} implies [{string.Join(", ", destination.shape)}]");
            if (expectedDtype is not null && entry.Dtype != expectedDtype)
                throw new ModelFormatException(file.Path,
                    $"tensor '{name}' is stored as {entry.Dtype} but {configPath} declares torch_dtype '{Config.DeclaredDtype}'");
            file.ReadInto(name, destination);
        }
    }

    /// <summary>Every weight by its Hugging Face name, with the tensor (or fused slice) that holds it.</summary>
    internal IEnumerable<(string Name, Tensor Destination)> Weights()
    {
        yield return ("model.embed_tokens.weight", embedding);
        for (var layer = 0; layer < layers.Count; layer++)
        {
            foreach (var weight in layers[layer].Weights($"model.layers.{layer}.")) yield return weight;
        }
        yield return ("model.norm.weight", norm.Weight);
        if (outputProjection is not null) yield return ("lm_head.weight", outputProjection);
    }

    /// <summary>
    /// Runs tokens through the model, appending to <paramref name="cache"/>.
    /// </summary>
    /// <param name="inputIds">[batch, tokens] int64; left padding is allowed.</param>
    /// <param name="tokenMask">[batch, tokens] bool, false at padding; null means all real.</param>
    /// <param name="cache">The cache of the batch; its rows are the batch rows.</param>
    /// <param name="hooks">Hooks to run at hook points, or null.</param>
    /// <param name="lastPositionOnly">Compute logits only at the last position (decoding needs no more).</param>
    /// <returns>float32 logits [batch, tokens or 1, vocab].</returns>
    public Tensor Forward(Tensor inputIds, Tensor? tokenMask, KvCache cache, ActivationHooks? hooks = null, bool lastPositionOnly = false)
    {
        using var _ = no_grad();
        return Run(inputIds, tokenMask, cache, hooks, lastPositionOnly);
    }

    /// <summary>
    /// Logits of whole sequences with autograd on, for training: every row starts at position 0 and every token is
    /// real (pad at the end and mask the loss instead; causal attention keeps real tokens from seeing it). Hooks run
    /// inside the graph, so an edit they make (e.g. steering) is part of what the gradients see.
    /// </summary>
    /// <param name="inputIds">[batch, tokens] int64.</param>
    /// <param name="hooks">Hooks to run at hook points, or null.</param>
    /// <returns>float32 logits [batch, tokens, vocab] attached to the graph.</returns>
    public Tensor ForwardWithGradients(Tensor inputIds, ActivationHooks? hooks = null)
    {
        using var cache = new KvCache(Config, (int)inputIds.shape[0], (int)inputIds.shape[1], Dtype);
        using var _ = enable_grad();
        return Run(inputIds, null, cache, hooks, lastPositionOnly: false);
    }

    private Tensor Run(Tensor inputIds, Tensor? tokenMask, KvCache cache, ActivationHooks? hooks, bool lastPositionOnly)
    {
        using var scope = NewDisposeScope();
        tokenMask ??= ones_like(inputIds, ScalarType.Bool);
        var (startSlot, positions) = cache.Reserve(tokenMask);
        var rotary = _rotary.For(positions, Dtype);
        var (fullMask, slidingMask) = AttentionMasks(cache.ValidSlots, startSlot, (int)inputIds.shape[1]);

        var x = embedding.index_select(0, inputIds.flatten()).view(inputIds.shape[0], inputIds.shape[1], Config.HiddenSize);
        if (_embeddingScale is not null) x = x.mul(_embeddingScale);
        for (var layer = 0; layer < layers.Count; layer++)
        {
            var mask = Config.SlidingLayers[layer] ? slidingMask! : fullMask;
            if (hooks is null)
            {
                x = layers[layer].Forward(x, rotary, mask, cache, startSlot);
                continue;
            }
            var block = layer;
            Tensor Run(string site, Tensor activation) =>
                hooks.Run(new HookPoint(block, site), activation, () => new HookContext(new HookPoint(block, site), startSlot, tokenMask, positions));
            x = Run(HookPoint.ResidualPre, x);
            x = layers[layer].Forward(x, rotary, mask, cache, startSlot, hooks.HasBranchHooks(layer) ? Run : null);
            x = Run(HookPoint.ResidualPost, x);
        }
        if (lastPositionOnly) x = x.narrow(1, x.shape[1] - 1, 1);
        var logits = nn.functional.linear(norm.forward(x), outputProjection ?? embedding).to_type(ScalarType.Float32);
        if (_finalSoftcap is { } cap) logits = logits.div(cap).tanh().mul(cap);
        return logits.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Saves the model as a Hugging Face Llama directory: config.json (with <paramref name="extraConfig"/> fields, e.g.
    /// token ids, added) and model.safetensors with the names <see cref="Load"/> reads, stored in
    /// <paramref name="dtype"/>. Each file is written to a temporary name and renamed, so readers never see half a file.
    /// </summary>
    /// <param name="directory">Created if needed.</param>
    /// <param name="dtype">Float32 (exact) or BFloat16 (rounded).</param>
    /// <param name="extraConfig">Further config.json fields, or null.</param>
    public void Save(string directory, ScalarType dtype, JsonObject? extraConfig = null)
    {
        if (dtype is not (ScalarType.Float32 or ScalarType.BFloat16))
            throw new ArgumentException($"dtype {dtype} is not supported (expected Float32 or BFloat16)", nameof(dtype));
        Directory.CreateDirectory(directory);
        var config = Config.ToJson(dtype == ScalarType.BFloat16 ? "bfloat16" : "float32");
        foreach (var (key, value) in extraConfig ?? []) config[key] = value?.DeepClone();
        AtomicFile.Write(Path.Combine(directory, "config.json"),
            temporary => File.WriteAllText(temporary, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true })));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var tensors = Weights().ToDictionary(weight => weight.Name, weight => weight.Destination.detach().to_type(dtype).contiguous());
        AtomicFile.Write(Path.Combine(directory, "model.safetensors"), temporary => Safetensors.SaveStateDict(temporary, tensors));
    }

    /// <summary>Logits at every position of one token sequence, with optional hooks.</summary>
    public float[][] Logits(IReadOnlyList<int> tokenIds, ActivationHooks? hooks = null)
    {
        using var scope = NewDisposeScope();
        using var cache = new KvCache(Config, 1, tokenIds.Count, Dtype);
        var ids = tensor(tokenIds.Select(id => (long)id).ToArray(), ScalarType.Int64).unsqueeze(0);
        var logits = Forward(ids, null, cache, hooks)[0];
        return Enumerable.Range(0, tokenIds.Count).Select(position => logits[position].data<float>().ToArray()).ToArray();
    }

    /// <summary>
    /// Additive float32 masks [batch, 1, tokens, slots]: a query sees real keys at or before its slot, and on
    /// sliding-window layers only the last <c>sliding_window</c> of them. A padding query sees itself, so its
    /// softmax stays finite; no real query ever sees a padding key.
    /// </summary>
    private (Tensor Full, Tensor? Sliding) AttentionMasks(Tensor validSlots, int startSlot, int tokens)
    {
        var slots = (int)validSlots.shape[1];
        var valid = validSlots.view(validSlots.shape[0], 1, 1, slots); // [B, 1, 1, S]

        // Which key slot each query slot may see, ignoring padding; built on the CPU ([T, S] booleans).
        Tensor Pattern(Func<int, int, bool> visible)
        {
            var allowed = new bool[tokens * slots];
            for (var query = 0; query < tokens; query++)
                for (var key = 0; key < slots; key++) allowed[query * slots + key] = visible(startSlot + query, key);
            return tensor(allowed, [tokens, (long)slots]);
        }
        var causal = Pattern((query, key) => key <= query);
        var self = Pattern((query, key) => key == query);

        Tensor Additive(Tensor allowed) =>
            zeros(allowed.shape, ScalarType.Float32).masked_fill(allowed.logical_not(), Scalars.NegativeInfinity);

        var full = Additive(causal.logical_and(valid).logical_or(self));
        if (Config.SlidingWindow is not { } window) return (full, null);
        var inWindow = Pattern((query, key) => key <= query && query - key < window);
        return (full, Additive(inWindow.logical_and(valid).logical_or(self)));
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _rotary.Dispose();
        base.Dispose(disposing);
    }
}
