using System.Diagnostics;
using LLama.Native;

namespace Esr.LlamaCpp;

/// <summary>
/// llama.cpp (through LLamaSharp) over a GGUF file, set up as a numerical reference: F32 KV cache, flash
/// attention off, token ids in, logits / block outputs / greedy tokens out, optionally with vectors added to
/// block outputs (llama.cpp's control vectors). Each call runs in a fresh llama.cpp context, so calls never share
/// cache state or steering.
/// </summary>
/// <remarks>
/// Steering is a list of (block, vector) pairs: each vector (length d) is added to the OUTPUT of that block
/// (the residual stream after the block, this project's <c>blocks.{L}.resid_post</c>) at every position,
/// prompt and generated alike. Vectors for the same block add up. llama.cpp's control-vector buffer starts at
/// block 1, so block 0 cannot be steered.
/// </remarks>
public sealed unsafe class LlamaCppModel : IDisposable
{
    private static readonly Lazy<bool> NativeLogging = new(() =>
    {
        // LLamaSharp picks and loads the native library (CPU feature level) when NativeApi first runs; P/Invokes
        // elsewhere in LLamaSharp do not trigger that. Then: llama.cpp logs every load step; keep errors only.
        NativeApi.llama_empty_call();
        NativeLogConfig.llama_log_set((level, message) =>
        {
            if (level == LLamaLogLevel.Error) Console.Error.Write(message);
        });
        return true;
    });

    private readonly SafeLlamaModelHandle _model;
    private readonly LlamaCppOptions _options;

    private LlamaCppModel(SafeLlamaModelHandle model, LlamaCppOptions options)
    {
        _model = model;
        _options = options;
        LayerCount = model.LayerCount;
        EmbeddingSize = model.EmbeddingSize;
        VocabSize = model.Vocab.Count;
    }

    /// <summary>Number of decoder blocks.</summary>
    public int LayerCount { get; }

    /// <summary>Residual width d.</summary>
    public int EmbeddingSize { get; }

    /// <summary>Vocabulary size (the width of a logits row).</summary>
    public int VocabSize { get; }

    /// <summary>Loads a GGUF file (weights stay on the CPU).</summary>
    public static LlamaCppModel Load(string ggufPath, LlamaCppOptions? options = null)
    {
        if (!File.Exists(ggufPath)) throw new FileNotFoundException($"No GGUF file at {ggufPath}.", ggufPath);
        _ = NativeLogging.Value;
        var parameters = LLamaModelParams.Default();
        parameters.n_gpu_layers = 0;
        return new LlamaCppModel(SafeLlamaModelHandle.LoadFromFile(ggufPath, parameters), options ?? new LlamaCppOptions());
    }

    /// <summary>Logits at every position of <paramref name="tokens"/>: <c>[T][V]</c>.</summary>
    public float[][] Logits(IReadOnlyList<int> tokens, IReadOnlyList<(int Block, float[] Vector)>? steering = null)
    {
        RequireTokens(tokens);
        using var context = CreateContext(tokens.Count, 1, tokens.Count);
        ApplySteering(context, steering);
        var batch = new LLamaBatch();
        for (var i = 0; i < tokens.Count; i++) batch.Add(tokens[i], i, (LLamaSeqId)0, true);
        Decode(context, batch);
        var logits = new float[tokens.Count][];
        for (var i = 0; i < tokens.Count; i++) logits[i] = context.GetLogitsIth(i).ToArray();
        return logits;
    }

    /// <summary>
    /// The output of block <paramref name="block"/> (0-based; llama.cpp's <c>l_out-L</c>, after any steering of
    /// that block) at every position of <paramref name="tokens"/>: <c>[T][d]</c>.
    /// </summary>
    public float[][] HiddenStates(IReadOnlyList<int> tokens, int block, IReadOnlyList<(int Block, float[] Vector)>? steering = null)
    {
        RequireTokens(tokens);
        if (block < 0 || block >= LayerCount) throw new ArgumentOutOfRangeException(nameof(block), block, $"The model has blocks 0 to {LayerCount - 1}.");
        using var capture = new BlockOutputCapture(block, EmbeddingSize);
        using var context = CreateContext(tokens.Count, 1, tokens.Count, BlockOutputCapture.Callback, capture.UserData);
        ApplySteering(context, steering);
        var batch = new LLamaBatch();
        // Every position is an output: the last block's graph otherwise keeps only the rows whose logits are asked for.
        for (var i = 0; i < tokens.Count; i++) batch.Add(tokens[i], i, (LLamaSeqId)0, true);
        Decode(context, batch);
        if (capture.Failure is { } failure) throw new InvalidOperationException("Reading the block output failed.", failure);
        if (capture.Rows.Count != tokens.Count)
            throw new InvalidOperationException($"llama.cpp reported {capture.Rows.Count} rows of l_out-{block} for {tokens.Count} tokens.");
        return capture.Rows.ToArray();
    }

    /// <summary>
    /// Greedy continuation: the arg-max token (lowest id on ties) <paramref name="newTokens"/> times. No stop
    /// tokens: exactly <paramref name="newTokens"/> ids are returned, the prompt excluded.
    /// </summary>
    public int[] GreedyContinue(IReadOnlyList<int> prompt, int newTokens, IReadOnlyList<(int Block, float[] Vector)>? steering = null)
    {
        return RunBatched([prompt], newTokens, steering).Tokens[0];
    }

    /// <summary>
    /// Prefills B prompts together (one sequence id each, split into batches of at most
    /// <see cref="LlamaCppOptions.BatchSize"/> tokens), then continues all of them greedily in lockstep, one
    /// decode call of B tokens per step, and reports timings. Used for speed comparisons and as the batched path
    /// of <see cref="GreedyContinue"/>.
    /// </summary>
    public BatchedRunResult RunBatched(IReadOnlyList<IReadOnlyList<int>> prompts, int newTokens, IReadOnlyList<(int Block, float[] Vector)>? steering = null)
    {
        if (prompts.Count == 0) throw new ArgumentException("At least one prompt is needed.", nameof(prompts));
        foreach (var prompt in prompts) RequireTokens(prompt);
        ArgumentOutOfRangeException.ThrowIfLessThan(newTokens, 1);
        var sequences = prompts.Count;
        var longest = prompts.Max(p => p.Count);
        var promptTokens = prompts.Sum(p => p.Count);
        // Without a unified cache each sequence gets n_ctx / n_seq_max cells.
        var perSequence = RoundUp(longest + newTokens, 256);
        using var context = CreateContext(perSequence * sequences, sequences, Math.Min(promptTokens, _options.BatchSize));
        ApplySteering(context, steering);

        var tokens = new int[sequences][];
        for (var s = 0; s < sequences; s++) tokens[s] = new int[newTokens];
        var batch = new LLamaBatch();
        var clock = Stopwatch.StartNew();

        // Prefill: only each prompt's last position produces logits; its first new token is taken right after
        // the decode call that evaluated it, while the batch indices are still valid.
        var pending = new List<(int Sequence, int Index)>();
        void Flush()
        {
            Decode(context, batch);
            foreach (var (sequence, index) in pending) tokens[sequence][0] = ArgMax(context.GetLogitsIth(index));
            pending.Clear();
            batch.Clear();
        }
        for (var s = 0; s < sequences; s++)
        {
            for (var i = 0; i < prompts[s].Count; i++)
            {
                if (batch.TokenCount == _options.BatchSize) Flush();
                var last = i == prompts[s].Count - 1;
                var index = batch.Add(prompts[s][i], i, (LLamaSeqId)s, last);
                if (last) pending.Add((s, index));
            }
        }
        if (batch.TokenCount > 0) Flush();
        var prefillSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        for (var step = 1; step < newTokens; step++)
        {
            batch.Clear();
            for (var s = 0; s < sequences; s++) batch.Add(tokens[s][step - 1], prompts[s].Count + step - 1, (LLamaSeqId)s, true);
            Decode(context, batch);
            for (var s = 0; s < sequences; s++) tokens[s][step] = ArgMax(context.GetLogitsIth(s));
        }
        var decodeSeconds = clock.Elapsed.TotalSeconds;
        return new BatchedRunResult(tokens, promptTokens, prefillSeconds, decodeSeconds);
    }

    /// <inheritdoc />
    public void Dispose() => _model.Dispose();

    private SafeLLamaContextHandle CreateContext(int contextSize, int sequences, int batchSize, nint evalCallback = 0, nint evalUserData = 0)
    {
        var parameters = LLamaContextParams.Default();
        parameters.n_ctx = (uint)RoundUp(contextSize, 256);
        parameters.n_batch = (uint)Math.Max(batchSize, 1);
        parameters.n_ubatch = (uint)Math.Min(Math.Max(batchSize, 1), _options.MicroBatchSize);
        parameters.n_seq_max = (uint)sequences;
        parameters.n_threads = _options.Threads;
        parameters.n_threads_batch = _options.Threads;
        parameters.type_k = GGMLType.GGML_TYPE_F32;
        parameters.type_v = GGMLType.GGML_TYPE_F32;
        parameters.llama_flash_attn_type = LLamaFlashAttentionType.LLAMA_FLASH_ATTENTION_TYPE_DISABLED;
        parameters.kv_unified = false;
        parameters.embeddings = false;
        parameters.cb_eval = evalCallback;
        parameters.cb_eval_user_data = evalUserData;
        return SafeLLamaContextHandle.Create(_model, parameters);
    }

    /// <summary>
    /// Sums the steering vectors into llama.cpp's control-vector buffer (d floats per block, starting at block 1)
    /// and enables it for the blocks from the lowest to the highest steered one; blocks in between get zeros.
    /// </summary>
    private void ApplySteering(SafeLLamaContextHandle context, IReadOnlyList<(int Block, float[] Vector)>? steering)
    {
        if (steering is null || steering.Count == 0) return;
        var buffer = new float[(LayerCount - 1) * EmbeddingSize];
        foreach (var (block, vector) in steering)
        {
            if (block == 0)
                throw new ArgumentException("llama.cpp cannot steer block 0: its control vectors start at the output of block 1. Steer block 1 or later.", nameof(steering));
            if (block < 0 || block >= LayerCount)
                throw new ArgumentOutOfRangeException(nameof(steering), block, $"Steered block {block} does not exist; the model has blocks 0 to {LayerCount - 1}.");
            if (vector.Length != EmbeddingSize)
                throw new ArgumentException($"The steering vector for block {block} has {vector.Length} values; d is {EmbeddingSize}.", nameof(steering));
            var slot = buffer.AsSpan((block - 1) * EmbeddingSize, EmbeddingSize);
            for (var i = 0; i < vector.Length; i++) slot[i] += vector[i];
        }
        var first = steering.Min(s => s.Block);
        var last = steering.Max(s => s.Block);
        fixed (float* data = buffer)
        {
            var status = NativeApi.llama_set_adapter_cvec(context, data, (nuint)buffer.Length, EmbeddingSize, first, last);
            if (status != 0) throw new InvalidOperationException($"llama.cpp refused the control vector (status {status}).");
        }
    }

    private static void Decode(SafeLLamaContextHandle context, LLamaBatch batch)
    {
        var result = context.Decode(batch);
        if (result != DecodeResult.Ok) throw new InvalidOperationException($"llama_decode failed: {result}.");
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private void RequireTokens(IReadOnlyList<int> tokens)
    {
        if (tokens.Count == 0) throw new ArgumentException("At least one token is needed.", nameof(tokens));
        foreach (var token in tokens)
            if (token < 0 || token >= VocabSize) throw new ArgumentOutOfRangeException(nameof(tokens), token, $"Token ids run from 0 to {VocabSize - 1}.");
    }
}
