using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using static TorchSharp.torch;
using Esr.Kernel.Formats;
using Esr.Kernel.Hooks;

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

    /// <summary>Where the weights live; every forward pass computes there.</summary>
    public Device Device { get; }

    /// <summary>
    /// <b>[QUIRK, ESR_SPEC §1.3 and §11 quirk 6]</b> Feed the final norm what the paper's vLLM fork fed it on Llama: the
    /// last block's output plus, a second time, that block's residual after attention (2·r_mid + mlp instead of
    /// r_mid + mlp). The fork's Llama blocks return the whole residual stream and, as their residual, the
    /// post-attention stream, which the fused final norm adds again. Hook points still see the standard stream; only
    /// the final norm's input changes. Off by default. Llama only: the fork's Gemma-2 blocks return the MLP branch
    /// and the residual apart, so its final norm sees the standard sum.
    /// </summary>
    /// <exception cref="InvalidOperationException">Turned on for a Gemma-2 model.</exception>
    public bool PaperFinalNorm
    {
        get;
        set => field = !value || Config.Architecture == ModelArchitecture.Llama
            ? value
            : throw new InvalidOperationException("the paper's final-norm quirk exists only for Llama models (Gemma-2's fork kept the standard final norm)");
    }

    private CausalLanguageModel(ModelConfig config, ScalarType dtype, Device device) : base("model")
    {
        Config = config;
        Dtype = dtype;
        Device = device;
        embedding = new Parameter(empty([config.VocabularySize, config.HiddenSize], dtype, device), requires_grad: false);
        layers = new ModuleList<DecoderBlock>(Enumerable.Range(0, config.LayerCount)
            .Select(layer => new DecoderBlock($"{layer}", config, layer, dtype, device)).ToArray());
        norm = new RmsNorm("norm", config.HiddenSize, config.RmsNormEpsilon, config.Architecture == ModelArchitecture.Gemma2, dtype, device);
        if (!config.TieWordEmbeddings)
            outputProjection = new Parameter(empty([config.VocabularySize, config.HiddenSize], dtype, device), requires_grad: false);
        _rotary = new RotaryEmbedding(config, device);
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
        var model = new CausalLanguageModel(config, ScalarType.Float32, CPU);
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
    /// <param name="device">Where the weights go (each is read on the CPU and copied there); null for the CPU.</param>
    /// <exception cref="ModelFormatException">A file is missing or malformed, or disagrees with config.json.</exception>
    public static CausalLanguageModel Load(string modelDirectory, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        if (dtype is not (ScalarType.Float32 or ScalarType.BFloat16))
            throw new ArgumentException($"dtype {dtype} is not supported (expected Float32 or BFloat16)", nameof(dtype));
        var config = ModelConfig.Load(modelDirectory);
        using var checkpoint = Checkpoint.Open(modelDirectory);
        checkpoint.EnsureNoBlocksBeyond(config.LayerCount, Path.Combine(modelDirectory, "config.json"));
        var model = new CausalLanguageModel(config, dtype, device ?? CPU);
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

    /// <summary>The matrices a decoding step multiplies by (every block's, then the output projection), in order.</summary>
    internal IEnumerable<Tensor> Projections() =>
        layers.SelectMany(layer => layer.Projections()).Append(outputProjection ?? embedding);

    /// <summary>
    /// Bytes of weights a decoding step reads: every matrix it multiplies by (the embedding table only when it is also
    /// the output projection; a step looks up just one of its rows otherwise). Divided into the memory's read
    /// bandwidth it gives the step's floor at one row.
    /// </summary>
    public long DecodeWeightBytes => Projections().Sum(weight => weight.numel() * weight.element_size());

    /// <summary>
    /// Runs tokens through the model, appending to <paramref name="cache"/>.
    /// </summary>
    /// <param name="inputIds">[batch, tokens] int64; left padding is allowed.</param>
    /// <param name="tokenMask">[batch, tokens] bool, false at padding; null means all real.</param>
    /// <param name="cache">The cache of the batch; its rows are the batch rows.</param>
    /// <param name="hooks">Hooks to run at hook points, or null.</param>
    /// <param name="lastPositionOnly">Compute logits only at the last position (decoding needs no more).</param>
    /// <returns>float32 logits [batch, tokens or 1, vocab] on the CPU.</returns>
    public Tensor Forward(Tensor inputIds, Tensor? tokenMask, KvCache cache, ActivationHooks? hooks = null, bool lastPositionOnly = false)
    {
        using var _ = no_grad();
        return Run(inputIds, tokenMask, cache, hooks, lastPositionOnly, Config.LayerCount - 1)!;
    }

    /// <summary>
    /// Runs tokens through the model for its hooks only: the pass stops after the deepest block the hooks need, and no
    /// logits are computed (a readout at <c>blocks.2.resid_post</c> of a 32-block model runs three blocks). The hooks
    /// see what a full <see cref="Forward"/> would show them.
    /// </summary>
    /// <param name="inputIds">[batch, tokens] int64; left padding is allowed.</param>
    /// <param name="tokenMask">[batch, tokens] bool, false at padding; null means all real.</param>
    /// <param name="cache">The cache of the batch.</param>
    /// <param name="hooks">The hooks; at least one.</param>
    /// <exception cref="ArgumentException">No hook, or a hook at a block the model does not have.</exception>
    public void ForwardUntilLastHook(Tensor inputIds, Tensor? tokenMask, KvCache cache, ActivationHooks hooks)
    {
        var lastBlock = hooks.LastBlockNeeded
            ?? throw new ArgumentException("a forward pass for hooks needs at least one hook", nameof(hooks));
        if (hooks.Points.Max(point => point.Block) >= Config.LayerCount)
            throw new ArgumentException($"a hook point lies beyond the model's blocks 0 to {Config.LayerCount - 1}", nameof(hooks));
        using var _ = no_grad();
        Run(inputIds, tokenMask, cache, hooks, lastPositionOnly: false, lastBlock);
    }

    /// <summary><see cref="ForwardUntilLastHook"/> on one token sequence.</summary>
    public void RunUntilLastHook(IReadOnlyList<int> tokenIds, ActivationHooks hooks)
    {
        using var scope = NewDisposeScope();
        using var cache = NewCache(1, tokenIds.Count);
        ForwardUntilLastHook(tensor(tokenIds.Select(id => (long)id).ToArray(), ScalarType.Int64).unsqueeze(0), null, cache, hooks);
    }

    /// <summary>
    /// Feeds <paramref name="tokenIds"/> whole and records every point in <paramref name="points"/>, in one pass that
    /// stops after the deepest block needed. Recorders run after the hooks already in <paramref name="hooks"/> at the
    /// same point, so a steered point is read as steered.
    /// </summary>
    /// <param name="tokenIds">The sequence.</param>
    /// <param name="points">The points to read; at least one.</param>
    /// <param name="hooks">Hooks active during the pass (e.g. steering), to which the recorders are added; null for none.</param>
    /// <exception cref="ArgumentException">No point, or a point beyond the model's blocks.</exception>
    public ActivationCache RunWithCache(IReadOnlyList<int> tokenIds, IEnumerable<HookPoint> points, ActivationHooks? hooks = null)
    {
        hooks ??= new ActivationHooks();
        var recorders = points.Distinct().ToDictionary(point => point, _ => new ActivationRecorder());
        if (recorders.Count == 0) throw new ArgumentException("an activation cache needs at least one hook point", nameof(points));
        foreach (var (point, recorder) in recorders) hooks.Add(point, recorder);
        RunUntilLastHook(tokenIds, hooks);
        return new ActivationCache(recorders.ToDictionary(pair => pair.Key, pair => pair.Value.Rows[0]));
    }

    /// <summary>A KV cache for this model: its shape, dtype and device.</summary>
    /// <param name="batchSize">Rows.</param>
    /// <param name="capacity">Slots per row: the longest prompt plus the most tokens to generate.</param>
    public KvCache NewCache(int batchSize, int capacity) => new(Config, batchSize, capacity, Dtype, Device);

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
        using var cache = NewCache((int)inputIds.shape[0], (int)inputIds.shape[1]);
        using var _ = enable_grad();
        return Run(inputIds, null, cache, hooks, lastPositionOnly: false, Config.LayerCount - 1)!;
    }

    /// <summary>
    /// The one forward loop: embeddings, then blocks 0 to <paramref name="lastBlock"/> with the hooks at their points,
    /// then (only when every block ran) the final norm and the logits, on the CPU. Without hooks nothing is looked up.
    /// </summary>
    private Tensor? Run(Tensor inputIds, Tensor? tokenMask, KvCache cache, ActivationHooks? hooks, bool lastPositionOnly, int lastBlock)
    {
        using var scope = NewDisposeScope();
        inputIds = inputIds.to(Device);
        var realTokens = tokenMask?.to(Device) ?? ones_like(inputIds, ScalarType.Bool);
        var (startSlot, positions) = cache.Reserve(realTokens);
        var rotary = _rotary.For(positions, Dtype);
        var (fullMask, slidingMask) = AttentionMasks(cache.ValidSlots, startSlot, (int)inputIds.shape[1]);
        Tensor At(HookPoint point, Tensor activation) =>
            hooks is null ? activation : hooks.Run(point, activation, () => new HookContext(point, startSlot, realTokens, positions));

        var x = embedding.index_select(0, inputIds.flatten()).view(inputIds.shape[0], inputIds.shape[1], Config.HiddenSize);
        if (_embeddingScale is not null) x = x.mul(_embeddingScale);
        Tensor? lastMiddle = null; // the last block's residual after attention, kept only for the paper's final norm
        for (var layer = 0; layer < layers.Count; layer++)
        {
            x = At(HookPoint.ResidPre(layer), x);
            if (layer > lastBlock) return null;
            var block = layer;
            var branchHooks = hooks?.HasBranchHooks(layer) == true
                ? (Func<string, Tensor, Tensor>)((site, activation) => At(new HookPoint(block, site), activation))
                : null;
            var keepMiddle = PaperFinalNorm && layer == layers.Count - 1;
            (x, lastMiddle) = layers[layer].Forward(
                x, rotary, Config.SlidingLayers[layer] ? slidingMask! : fullMask, cache, startSlot, branchHooks, keepMiddle);
            x = At(HookPoint.ResidPost(layer), x);
        }
        if (lastBlock < layers.Count - 1) return null;
        if (lastMiddle is not null) x = x.add(lastMiddle, Scalars.One);
        if (lastPositionOnly) x = x.narrow(1, x.shape[1] - 1, 1);
        var logits = NativeLinear.Apply(norm.forward(x), outputProjection ?? embedding).AsType(ScalarType.Float32);
        if (_finalSoftcap is { } cap) logits = logits.div(cap).tanh().mul(cap);
        return logits.cpu().MoveToOuterDisposeScope();
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
        using var cache = NewCache(1, tokenIds.Count);
        var ids = tensor(tokenIds.Select(id => (long)id).ToArray(), ScalarType.Int64).unsqueeze(0);
        var logits = Forward(ids, null, cache, hooks)[0];
        return Enumerable.Range(0, tokenIds.Count).Select(position => TensorMemory.ToFloatArray(logits[position])).ToArray();
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
            return tensor(allowed, [tokens, (long)slots]).to(Device);
        }
        var causal = Pattern((query, key) => key <= query);
        var self = Pattern((query, key) => key == query);

        Tensor Additive(Tensor allowed) =>
            zeros(allowed.shape, ScalarType.Float32, Device).masked_fill(allowed.logical_not(), Scalars.NegativeInfinity);

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
