using System.Globalization;
using Esr.Kernel.Experiments;
using Esr.Kernel.Generation;
using Esr.Kernel.Hooks;
using Esr.Kernel.Interventions;
using Esr.Kernel.Models;
using Esr.Kernel.Saes;
using Esr.Kernel.Text;
using Esr.Kernel.Toy;
using static TorchSharp.torch;

namespace Esr.Kernel;

/// <summary>
/// A model ready to use from a notebook or a front end: the model with its tokenizer, chat template, stop tokens and
/// quirks, an attached SAE, and the operations on them (generate, compare, ladder, steer, logits, read latents).
/// Made by <see cref="Workbench.Load"/>. Inputs are checked once per call, with <see cref="EsrInputException"/>s
/// naming what is wrong. Not for concurrent use: one call at a time.
/// </summary>
public sealed class LoadedModel : IDisposable
{
    /// <summary>The judge of the toy world, by the name judges are chosen by.</summary>
    public const string ToyJudgeName = "toy";

    private const string TokenizerFile = "tokenizer.json";

    private readonly CausalLanguageModel _model;
    private readonly ChatModel? _chat; // null for a folder without a tokenizer: only token-id operations work
    private readonly string _given;
    private readonly string? _huggingFaceHome;
    private readonly List<Steering> _scoped = [];

    private LoadedModel(ModelReference reference, string given, CausalLanguageModel model, ChatModel? chat, ModelQuirks quirks, LoadOptions options, ComputeDevice device)
    {
        Reference = reference;
        _given = given;
        _model = model;
        _chat = chat;
        Quirks = quirks;
        Dtype = options.Dtype;
        Device = device;
        _huggingFaceHome = options.HuggingFaceHome;
    }

    /// <summary>What the model was loaded from.</summary>
    public ModelReference Reference { get; }

    /// <summary>The name runs and messages use (<see cref="ModelReference.Name"/>).</summary>
    public string Name => Reference.Name;

    /// <summary>The decoder.</summary>
    public CausalLanguageModel Model => _model;

    /// <summary>Whether its folder has a tokenizer; without one only the token-id operations (logits, activations, latents of ids) work.</summary>
    public bool HasTokenizer => _chat is not null;

    /// <summary>Its tokenizer.</summary>
    /// <exception cref="EsrInputException">The model has no tokenizer (<see cref="HasTokenizer"/>).</exception>
    public TextTokenizer Tokenizer => Chat.Tokenizer;

    /// <summary>Its chat template, with the quirk options of <see cref="Quirks"/>.</summary>
    /// <exception cref="EsrInputException">The model has no tokenizer (<see cref="HasTokenizer"/>).</exception>
    public ChatTemplate Template => Chat.Template;

    /// <summary>The tokens that end a generation.</summary>
    /// <exception cref="EsrInputException">The model has no tokenizer (<see cref="HasTokenizer"/>).</exception>
    public IReadOnlySet<int> StopTokenIds => Chat.StopTokenIds;

    private ChatModel Chat => _chat ?? throw new EsrInputException(
        $"{Name} has no tokenizer ({Path.Combine(Reference.Directory, TokenizerFile)} is missing): only its logits and activations of token ids can be read");

    /// <summary>The paper quirks it runs with.</summary>
    public ModelQuirks Quirks { get; }

    /// <summary>The dtype of its weights and activations: "float32" or "bfloat16".</summary>
    public string Dtype { get; }

    /// <summary>Where it computes.</summary>
    public ComputeDevice Device { get; }

    /// <summary>The attached SAE, or null.</summary>
    public AttachedSae? Sae { get; private set; }

    /// <summary>The judge that fits the model by default: <see cref="ToyJudgeName"/> for toy models, else none.</summary>
    public string? DefaultJudge => Reference.Kind == ModelReferenceKind.Toy ? ToyJudgeName : null;

    /// <summary>The repetition penalty generations use unless told otherwise: the paper's shipped value for its models, else 1 (off).</summary>
    public double RepetitionPenalty => Reference.Paper?.RepetitionPenalty ?? 1.0;

    /// <summary>The most positions a sequence may take (config.json's <c>max_position_embeddings</c>).</summary>
    public int ContextLength => Model.Config.MaxPositionEmbeddings;

    /// <summary>Loads a resolved reference with its quirks, and attaches the SAE asked for or the toy model's own.</summary>
    /// <param name="reference">The resolved model.</param>
    /// <param name="options">The load options.</param>
    /// <param name="given">The name or path it was resolved from, as the caller wrote it (echoed in <see cref="ModelSettings.Model"/>); null for the reference's name.</param>
    internal static LoadedModel Load(ModelReference reference, LoadOptions options, string? given = null)
    {
        var dtype = options.ScalarType;
        var device = ComputeDevice.Parse(options.Device);
        var quirks = ModelQuirks.For(reference, Architecture(reference), options);
        if (options.SaeLayer is { } layer && options.Sae is null && reference.Toy is null)
            throw new EsrInputException($"{LoadOptions.SaeLayerInput} {layer} places no SAE: {reference.Name} has none of its own and none was given")
            { Input = LoadOptions.SaeLayerInput };
        // A folder without a tokenizer (e.g. a bare random checkpoint) still gives logits of token ids.
        var chat = File.Exists(Path.Combine(reference.Directory, TokenizerFile))
            ? InputErrors.Convert(() => ChatModel.Load(reference.Directory, dtype, device.Torch, TemplateOptions(quirks)))
            : null;
        var model = chat?.Model ?? InputErrors.Convert(() => CausalLanguageModel.Load(reference.Directory, dtype, device.Torch));
        var loaded = new LoadedModel(reference, given ?? reference.Name, model, chat, quirks, options, device);
        try
        {
            loaded.Model.PaperFinalNorm = quirks.PaperFinalNorm;
            if (options.Sae is { } sae) loaded.Attach(loaded.Resolve(sae, options.SaeLayer, site: null, labels: null, SaeInputs.LoadOptions));
            else if (reference.Toy is { } toy) loaded.Attach(loaded.ToySae(toy, reference.Directory, options.SaeLayer, site: null, labels: null, SaeInputs.LoadOptions));
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
        return loaded;
    }

    /// <summary>The model with its attached SAE as a <see cref="ReadoutSetup"/> reading at <paramref name="read"/> and steering at <paramref name="steer"/>; this model owns its parts.</summary>
    internal ReadoutSetup Readout(HookPoint read, HookPoint steer) =>
        new(Model, Tokenizer, Template, StopTokenIds, (Sae ?? throw new InvalidOperationException("no SAE is attached to read with")).Sae, read, steer);

    /// <summary>
    /// The text <paramref name="prompt"/> becomes before tokenization (one user turn through the chat template with the
    /// generation prompt and the quirks <paramref name="options"/> give), read from the model's files without loading its weights.
    /// </summary>
    internal static string PromptText(ModelReference reference, string prompt, LoadOptions options)
    {
        var quirks = ModelQuirks.For(reference, Architecture(reference), options);
        var template = InputErrors.Convert(() => ChatTemplate.ForModelDirectory(reference.Directory, TemplateOptions(quirks)));
        return template.Render([ChatMessage.User(prompt)], addGenerationPrompt: true);
    }

    private static ModelArchitecture Architecture(ModelReference reference) => ModelConfig.Load(reference.Directory).Architecture;

    private static ChatTemplateOptions TemplateOptions(ModelQuirks quirks) =>
        ChatTemplateOptions.Default with { AppendPapersExtraAssistantHeader = quirks.PaperExtraHeader };

    /// <summary>A text's ids as it is, no chat template, with the special tokens (e.g. BOS) the tokenizer adds: what a raw generation and <see cref="ReadLatents(string, int, Steering?)"/> feed.</summary>
    public int[] TextIds(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Tokenizer.Encode(text, addSpecialTokens: true);
    }

    /// <summary>A prompt as one user turn with the generation prompt, as ids: what <see cref="Generate"/> feeds.</summary>
    public int[] PromptIds(string prompt) => Chat.PromptIds(prompt);

    /// <summary>A [user, assistant] exchange without the generation prompt, as ids: what a readout of a response feeds.</summary>
    public int[] ConversationIds(string prompt, string response) => Chat.ConversationIds(prompt, response);

    /// <summary>Each token's text, special tokens written out.</summary>
    public IReadOnlyList<string> TokenTexts(IReadOnlyList<int> ids) => Tokenizer.TokenTexts(ids);

    /// <summary>
    /// Attaches an SAE, replacing the current one: a path (SAELens folder, GemmaScope .npz, Goodfire .pth), a toy
    /// model's name (its own SAE and labels), or a paper short name (its SAE from the Hugging Face cache, steering at
    /// the paper's block).
    /// </summary>
    /// <param name="sae">The path or name.</param>
    /// <param name="layer">The block it reads; null for the SAE's own (needed for a path unless the model is a toy or paper model).</param>
    /// <param name="site">The hook site; null for <see cref="ModelQuirks.SaeSite"/> (or the paper SAE's own).</param>
    /// <param name="labels">A label CSV (index_in_sae,label); null for the SAE's own labels where it has some.</param>
    /// <exception cref="EsrInputException">Unknown name, missing or malformed file, a block outside the model, or d_in ≠ d_model.</exception>
    public AttachedSae AttachSae(string sae, int? layer = null, string? site = null, string? labels = null)
    {
        ArgumentNullException.ThrowIfNull(sae);
        return Attach(Resolve(sae, layer, site, labels, SaeInputs.AttachSae));
    }

    /// <summary>Opens the SAE a path or name stands for (<see cref="AttachSae"/>); errors name the inputs as <paramref name="inputs"/> says.</summary>
    private AttachedSae Resolve(string sae, int? layer, string? site, string? labels, SaeInputs inputs)
    {
        if (File.Exists(sae) || Directory.Exists(sae))
        {
            var block = layer ?? Reference.Toy?.SaeBlock ?? Reference.Paper?.ReadoutBlock
                ?? throw new EsrInputException($"{inputs.Name(sae)}: give {inputs.NamedLayer}, the block whose output the SAE reads") { Input = inputs.Input };
            var point = new HookPoint(block, site ?? Quirks.SaeSite);
            return Open(sae, ModelReference.NameOf(sae), point, point, labels, paper: null, inputs);
        }
        if (ModelReference.FindToy(sae) is { } toy) return ToySae(toy.Entry, toy.Directory, layer, site, labels, inputs);
        if (ModelReference.FindPaper(sae) is { } paper)
        {
            var path = InputErrors.Convert(() => paper.SaePath(_huggingFaceHome));
            return Open(path, $"{paper.ShortName} SAE", new HookPoint(layer ?? paper.ReadoutBlock, site ?? paper.SaeSite),
                new HookPoint(layer ?? paper.SteeringBlock, site ?? paper.SaeSite), labels, paper, inputs);
        }
        throw new EsrInputException(
            $"SAE '{sae}' is not a file or folder, a toy model ({string.Join(", ", ModelReference.ToyNames())}) or a paper model " +
            $"({string.Join(", ", PaperConfigurations.All.Select(c => c.ShortName))})");
    }

    private AttachedSae Attach(AttachedSae sae)
    {
        Sae?.Dispose();
        Sae = sae;
        return sae;
    }

    /// <summary>A toy model's own SAE (<c>sae/</c> in its folder) at its block, with its labels.csv.</summary>
    private AttachedSae ToySae(ToyZooEntry toy, string directory, int? layer, string? site, string? labels, SaeInputs inputs)
    {
        var point = new HookPoint(layer ?? toy.SaeBlock, site ?? HookPoint.ResidualPost);
        var ownLabels = Path.Combine(directory, ToyZoo.LabelsFile);
        return Open(Path.Combine(directory, ToyZoo.SaeFolder), $"{toy.Name} SAE", point, point,
            labels ?? (File.Exists(ownLabels) ? ownLabels : null), paper: null, inputs);
    }

    /// <summary>
    /// Generates one completion of <paramref name="prompt"/> (one user turn through the chat template unless
    /// <see cref="GenerateOptions.Raw"/>), steered by the scoped steerings and the options' own.
    /// </summary>
    /// <param name="prompt">The user message.</param>
    /// <param name="options">Sampling, seed and steering; null for the defaults.</param>
    /// <param name="onText">Receives the text as it grows; the pieces concatenate to <see cref="Completion.Text"/>.</param>
    /// <param name="cancellationToken">Checked between tokens.</param>
    /// <exception cref="EsrInputException">An option is out of range, the prompt and MaxTokens exceed the context, or the steering does not fit.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public Completion Generate(string prompt, GenerateOptions? options = null, Action<string>? onText = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        options ??= new GenerateOptions();
        options.Validate();
        var steering = Active(options.Steering);
        var promptIds = options.Raw ? TextIds(prompt) : PromptIds(prompt);
        if (promptIds.Length == 0)
            throw new EsrInputException($"the prompt encodes to no tokens{(options.Raw ? " (a raw prompt, and the tokenizer adds no BOS)" : "")}");
        if (promptIds.Length + options.MaxTokens > ContextLength)
            throw new EsrInputException(
                $"a prompt of {promptIds.Length} tokens plus {options.MaxTokens} new tokens ({GenerateOptions.MaxTokensInput}) needs {promptIds.Length + options.MaxTokens} " +
                $"positions, which exceed {Name}'s context of {ContextLength} positions (config.json max_position_embeddings is {ContextLength})")
            { Input = GenerateOptions.MaxTokensInput };
        var sampling = new SamplingOptions(options.Temperature, options.TopP, options.RepetitionPenalty ?? RepetitionPenalty, options.MaxTokens);
        using var hooks = HooksFor(steering);
        var streamer = onText is null ? null : new TextStreamer(Tokenizer, onText);
        var result = new BatchGenerator(Model).Generate(
            [Chat.Request(promptIds, sampling, options.Seed)], hooks.Hooks, token => streamer?.Add(token.TokenId), cancellationToken)[0];
        var text = Tokenizer.Decode(result.TokenIds);
        streamer?.Finish(text);
        return new Completion(prompt, promptIds, text, result.TokenIds, result.FinishReason, options.Seed, steering,
            options with { RepetitionPenalty = sampling.RepetitionPenalty, Steering = steering }, Settings(steering));
    }

    /// <summary>The model side of a completion's settings; the SAE only when the steering has interventions on it.</summary>
    private ModelSettings Settings(Steering steering) => new(
        _given, Dtype, Device.Name, Quirks, StopTokenIds.Order().ToArray(),
        steering.Interventions.Count > 0 ? Sae!.Path : null, steering.Interventions.Count > 0 ? Sae!.SteeringPoint : null);

    /// <summary>
    /// The prompt generated twice with the same options and seed: without <paramref name="steering"/> (Default) and
    /// with it (Steered). Steering scoped by <see cref="Steer"/> applies to both.
    /// </summary>
    /// <exception cref="EsrInputException">As for <see cref="Generate"/>.</exception>
    public SteerComparison Compare(string prompt, Steering steering, GenerateOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(steering);
        options ??= new GenerateOptions();
        var plain = Generate(prompt, options with { Steering = null }, cancellationToken: cancellationToken);
        var steered = Generate(prompt, options with { Steering = steering }, cancellationToken: cancellationToken);
        return new SteerComparison(prompt, plain, steered, steering);
    }

    /// <summary>
    /// The prompt generated at each boost of <paramref name="latent"/> with the same options and seed; boost 0 is the
    /// generation without that boost (the options' own and scoped steering still apply).
    /// </summary>
    /// <exception cref="EsrInputException">No SAE, the latent outside it, a boost not finite, or as for <see cref="Generate"/>.</exception>
    public SteeringLadder Ladder(string prompt, int latent, IReadOnlyList<double> boosts, GenerateOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(boosts);
        options ??= new GenerateOptions();
        var rungs = boosts.Select(boost => Steering.Add(latent, boost)).ToArray(); // checks every boost before generating
        Validate(rungs.Aggregate(Steering.None, (all, rung) => all + rung));
        var own = options.Steering ?? Steering.None;
        return new SteeringLadder(prompt, latent, boosts.Select((boost, i) => new LadderRung(boost,
            Generate(prompt, options with { Steering = boost == 0 ? options.Steering : own + rungs[i] }, cancellationToken: cancellationToken))).ToArray());
    }

    /// <summary>
    /// Steers every generation, readout and logits call until the returned handle is disposed (scopes nest; disposing
    /// one removes only its own steering).
    /// </summary>
    /// <exception cref="EsrInputException">The steering does not fit the model or its SAE.</exception>
    public IDisposable Steer(Steering steering)
    {
        ArgumentNullException.ThrowIfNull(steering);
        Validate(steering);
        _scoped.Add(steering);
        return new Scope(() => _scoped.Remove(steering));
    }

    /// <summary>Logits at every position of <paramref name="ids"/>, with the scoped steering and <paramref name="steering"/>.</summary>
    /// <exception cref="EsrInputException">No ids, an id outside the vocabulary, more ids than the context, or steering that does not fit.</exception>
    public float[][] Logits(IReadOnlyList<int> ids, Steering? steering = null)
    {
        CheckIds(ids);
        using var hooks = HooksFor(Active(steering));
        return Model.Logits(ids, hooks.Hooks);
    }

    /// <summary>
    /// Reads the attached SAE over <paramref name="text"/> (encoded as it is, with the special tokens the tokenizer
    /// adds, e.g. BOS): per token its <paramref name="top"/> strongest latents (<see cref="LatentTrace.Top"/>), with
    /// token texts and labels. Use <see cref="ConversationIds"/> with the other overload to read a chat exchange.
    /// </summary>
    public LatentTrace ReadLatents(string text, int top = 5, Steering? steering = null)
    {
        return ReadLatents(TextIds(text), top, steering: steering);
    }

    /// <summary>
    /// Reads the attached SAE at its point over <paramref name="ids"/>, after the scoped steering and
    /// <paramref name="steering"/>: the given <paramref name="latents"/> at every token, or when null every latent that is
    /// among some token's <paramref name="top"/> strongest (so <see cref="LatentTrace.Top"/>(top) is each token's true
    /// top). The forward pass stops at the SAE's block.
    /// </summary>
    /// <exception cref="EsrInputException">No SAE, bad ids, a latent outside the SAE, top below 1, or steering that does not fit.</exception>
    public LatentTrace ReadLatents(IReadOnlyList<int> ids, int top = 5, IReadOnlyList<int>? latents = null, Steering? steering = null)
    {
        CheckIds(ids);
        var sae = Sae ?? throw NoSae("ReadLatents:");
        if (top < 1) throw new EsrInputException($"ReadLatents: top is {top} (expected 1 or more)");
        if (latents is not null) CheckLatents(latents, "ReadLatents");
        using var hooks = HooksFor(Active(steering));
        var activations = Model.RunWithCache(ids, [sae.Point], hooks.Hooks)[sae.Point];
        using var scope = NewDisposeScope();
        var input = tensor(activations.SelectMany(row => row).ToArray(), [activations.Count, (long)sae.Sae.InputWidth]).to(sae.Sae.Device);
        var encoded = latents is null ? sae.Sae.Encode(input) : sae.Sae.EncodeLatents(input, latents);
        var read = latents?.ToArray() ?? StrongestLatents(encoded, top);
        var values = latents is null ? encoded.index_select(1, tensor(read.Select(l => (long)l).ToArray()).to(encoded.device)) : encoded;
        var rows = TensorMemory.ToFloatArray(values.to_type(ScalarType.Float32).cpu());
        var tokens = Enumerable.Range(0, ids.Count).Select(t => rows.AsSpan(t * read.Length, read.Length).ToArray()).ToArray();
        return new LatentTrace(read, tokens)
        {
            TokenTexts = HasTokenizer ? TokenTexts(ids) : null, Labels = sae.Labels, TopCount = top,
            SpecialPositions = HasTokenizer ? Enumerable.Range(0, ids.Count).Where(i => Tokenizer.SpecialTokenIds.Contains(ids[i])).ToHashSet() : new HashSet<int>(),
        };
    }

    /// <summary>The activations at <paramref name="points"/> over <paramref name="ids"/>, in one pass that stops at the deepest point.</summary>
    /// <exception cref="EsrInputException">Bad ids, a point beyond the model's blocks, or steering that does not fit.</exception>
    public ActivationCache RunWithCache(IReadOnlyList<int> ids, IEnumerable<HookPoint> points, Steering? steering = null)
    {
        CheckIds(ids);
        var wanted = points.ToArray();
        if (wanted.Length == 0) throw new EsrInputException("RunWithCache: no hook point given");
        if (wanted.Where(point => point.Block >= Model.Config.LayerCount).Select(point => (HookPoint?)point).FirstOrDefault() is { } beyond)
            throw new EsrInputException($"RunWithCache: {beyond} is beyond {Name}'s blocks 0 to {Model.Config.LayerCount - 1}");
        using var hooks = HooksFor(Active(steering));
        return Model.RunWithCache(ids, wanted, hooks.Hooks);
    }

    /// <summary>Frees the model, the tokenizer and the SAE.</summary>
    public void Dispose()
    {
        Sae?.Dispose();
        if (_chat is null) _model.Dispose();
        else _chat.Dispose();
    }

    /// <summary>The scoped steerings, then <paramref name="steering"/>.</summary>
    private Steering Active(Steering? steering) =>
        _scoped.Append(steering ?? Steering.None).Aggregate(Steering.None, (all, next) => all + next);

    /// <summary>The hooks that apply a steering (checked first): one for the SAE interventions, one per plain vector.</summary>
    private HookSet HooksFor(Steering steering)
    {
        if (steering.IsEmpty) return new HookSet(null, []);
        Validate(steering);
        var hooks = new ActivationHooks();
        var owned = new List<IDisposable>();
        if (steering.Interventions.Count > 0)
        {
            var hook = InterventionHook.ForAllRows(Sae!.Sae, steering.Interventions);
            owned.Add(hook);
            hooks.Add(Sae.SteeringPoint, hook);
        }
        foreach (var vector in steering.Vectors)
        {
            var hook = VectorSteering.ForAllRows(vector.Values);
            owned.Add(hook);
            hooks.Add(HookPoint.ResidPost(vector.Block), hook);
        }
        return new HookSet(hooks, owned);
    }

    /// <exception cref="EsrInputException">Latents without an SAE or outside it; a vector at a block the model lacks or of the wrong width.</exception>
    private void Validate(Steering steering)
    {
        var latents = steering.Latents().ToArray();
        if (latents.Length > 0) CheckLatents(latents, "steering");
        var width = Model.Config.HiddenSize;
        foreach (var vector in steering.Vectors)
        {
            if (vector.Block >= Model.Config.LayerCount)
                throw new EsrInputException($"{vector.Description}: {Name} has blocks 0 to {Model.Config.LayerCount - 1}");
            if (vector.Values.Count != width)
                throw new EsrInputException($"{vector.Description} has {vector.Values.Count} values but {Name} has d_model = {width}");
        }
    }

    private void CheckLatents(IReadOnlyList<int> latents, string what)
    {
        var sae = Sae ?? throw NoSae($"{what} names latents but");
        if (latents.Where(latent => latent < 0 || latent >= sae.Width).Select(latent => (int?)latent).FirstOrDefault() is { } outside)
            throw new EsrInputException($"{what}: latent {outside} is outside the SAE {sae.Name} (latents 0 to {sae.Width - 1})");
    }

    private EsrInputException NoSae(string what) =>
        new($"{what} {Name} has no SAE attached (attach one: {LoadOptions.SaeInput} or AttachSae)") { Input = LoadOptions.SaeInput };

    private void CheckIds(IReadOnlyList<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0) throw new EsrInputException("no token ids given");
        if (ids.Count > ContextLength)
            throw new EsrInputException($"a sequence of {ids.Count} tokens is longer than the model's context: config.json max_position_embeddings is {ContextLength} ({Name})");
        var vocabulary = Model.Config.VocabularySize;
        if (ids.Where(id => id < 0 || id >= vocabulary).Select(id => (int?)id).FirstOrDefault() is { } bad)
            throw new EsrInputException($"token id {bad} is outside {Name}'s vocabulary (0 to {vocabulary - 1})");
    }

    /// <summary>The latents that are among some token's <paramref name="top"/> strongest (active ones only), ascending.</summary>
    private static int[] StrongestLatents(Tensor encoded, int top)
    {
        var (values, indices) = encoded.topk(Math.Min(top, (int)encoded.shape[1]), dim: -1);
        var strengths = TensorMemory.ToFloatArray(values.to_type(ScalarType.Float32).cpu());
        var latents = indices.cpu().data<long>().ToArray();
        return latents.Where((_, i) => strengths[i] > 0).Select(latent => (int)latent).Distinct().Order().ToArray();
    }

    /// <summary>Hooks made for one call and the hook objects to free after it.</summary>
    private sealed record HookSet(ActivationHooks? Hooks, IReadOnlyList<IDisposable> Owned) : IDisposable
    {
        public void Dispose()
        {
            foreach (var owned in Owned) owned.Dispose();
        }
    }

    /// <summary>Runs an action once when disposed.</summary>
    private sealed class Scope(Action onDispose) : IDisposable
    {
        private Action? _onDispose = onDispose;

        public void Dispose()
        {
            _onDispose?.Invoke();
            _onDispose = null;
        }
    }

    private AttachedSae Open(string path, string name, HookPoint point, HookPoint steeringPoint, string? labels, PaperConfiguration? paper, SaeInputs inputs)
    {
        foreach (var hookPoint in new[] { point, steeringPoint })
        {
            if (hookPoint.Block < 0 || hookPoint.Block >= Model.Config.LayerCount)
                throw new EsrInputException($"{inputs.Name(path)}: {inputs.Layer} {hookPoint.Block} is outside {Name}'s blocks 0 to {Model.Config.LayerCount - 1}")
                { Input = inputs.Input };
        }
        var sae = SaeLoader.Load(path, Model.Dtype, Model.Device);
        try
        {
            if (sae.InputWidth != Model.Config.HiddenSize)
                throw new EsrInputException($"{path}: the SAE reads d_in = {sae.InputWidth} but {Name}'s d_model is {Model.Config.HiddenSize}");
            var labelSet = labels is null ? null : InputErrors.Convert(() => LatentLabels.Load(labels));
            return new AttachedSae(sae, name, path, point, steeringPoint, labelSet, paper);
        }
        catch
        {
            sae.Dispose();
            throw;
        }
    }

    /// <summary>How SAE errors name the SAE and its layer: <see cref="AttachSae"/>'s parameters, or <see cref="LoadOptions"/>' fields.</summary>
    /// <param name="Prefix">Names the SAE at <c>{0}</c>.</param>
    /// <param name="Layer">The layer input's name.</param>
    /// <param name="Input">The input a layer error is about (<see cref="EsrInputException.Input"/>), for LoadOptions.</param>
    private sealed record SaeInputs(string Prefix, string Layer, string? Input)
    {
        public static SaeInputs AttachSae { get; } = new("AttachSae('{0}')", "layer", null);

        public static SaeInputs LoadOptions { get; } = new("SAE '{0}'", Kernel.LoadOptions.SaeLayerInput, Kernel.LoadOptions.SaeLayerInput);

        public string Name(string sae) => string.Format(CultureInfo.InvariantCulture, Prefix, sae);

        /// <summary>The layer input as a message asks for it: "the layer" (a parameter) or the field's name.</summary>
        public string NamedLayer => Input is null ? $"the {Layer}" : Layer;
    }
}
