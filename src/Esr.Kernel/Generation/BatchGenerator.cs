using Esr.Kernel.Hooks;
using Esr.Kernel.Models;
using static TorchSharp.torch;

namespace Esr.Kernel.Generation;

/// <summary>
/// Batched generation with a KV cache: prompts of different lengths are left-padded into one batch, prefilled
/// together, then decoded one token per step for every row until each row stops or reaches its limit. Each row
/// samples from its own random stream; with a <see cref="BatchFrame"/> its numbers, too, do not depend on the other
/// rows (without one they can differ in the last bits with the batch's shape, which now and then changes a token).
/// </summary>
/// <param name="model">The model.</param>
/// <param name="frame">The shape every batch is padded to, or null to size each batch to its requests.</param>
public sealed class BatchGenerator(CausalLanguageModel model, BatchFrame? frame = null)
{
    // A frame's unused rows: one token, nothing to generate.
    private static readonly GenerationRequest Filler = new([0], SamplingOptions.Greedy(0), 0, new HashSet<int>());

    /// <summary>Continues every request; results come back in request order.</summary>
    /// <param name="requests">The prompts and their sampling settings.</param>
    /// <param name="hooks">Hooks active at every forward step (prefill and decoding), or null. With a frame they see
    /// its rows: the requests, then the fillers.</param>
    /// <param name="onToken">Called for each token as soon as it is chosen, or null.</param>
    /// <param name="cancellationToken">Checked between steps.</param>
    /// <exception cref="ArgumentException">A prompt is empty, holds an id outside the vocabulary, or with its max new tokens exceeds the model's context; or the requests do not fit the frame.</exception>
    /// <exception cref="OperationCanceledException">Cancellation was requested.</exception>
    public IReadOnlyList<GenerationResult> Generate(
        IReadOnlyList<GenerationRequest> requests,
        ActivationHooks? hooks = null,
        Action<GeneratedToken>? onToken = null,
        CancellationToken cancellationToken = default)
    {
        if (requests.Count == 0) return [];
        foreach (var request in requests)
        {
            request.Sampling.Validate();
            if (request.PromptIds.Count == 0) throw new ArgumentException("a prompt must hold at least one token", nameof(requests));
            if (request.PromptIds.Any(id => id < 0 || id >= model.Config.VocabularySize))
                throw new ArgumentException($"a prompt token id lies outside the vocabulary [0, {model.Config.VocabularySize})", nameof(requests));
            // Checked before the KV cache is allocated: it reserves memory for every token asked for.
            var positions = (long)request.PromptIds.Count + request.Sampling.MaxNewTokens;
            if (positions > model.Config.MaxPositionEmbeddings)
                throw new ArgumentException($"a prompt of {request.PromptIds.Count} tokens plus {request.Sampling.MaxNewTokens} new tokens (--max-tokens) "
                    + $"needs {positions} positions, more than the model's context: config.json max_position_embeddings is {model.Config.MaxPositionEmbeddings}");
            if (frame is not null && request.PromptIds.Count > frame.PromptTokens)
                throw new ArgumentException($"a prompt of {request.PromptIds.Count} tokens does not fit a frame of {frame.PromptTokens}", nameof(requests));
        }
        if (frame is not null && requests.Count > frame.Rows)
            throw new ArgumentException($"{requests.Count} requests do not fit a frame of {frame.Rows} rows", nameof(requests));

        IReadOnlyList<GenerationRequest> batch = frame is null ? requests : [.. requests, .. Enumerable.Repeat(Filler, frame.Rows - requests.Count)];
        var rows = batch.Select(request => new Row(request)).ToArray();
        var promptLength = frame?.PromptTokens ?? requests.Max(request => request.PromptIds.Count);
        var maxNewTokens = requests.Max(request => request.Sampling.MaxNewTokens);
        using var cache = model.NewCache(rows.Length, promptLength + Math.Max(maxNewTokens, 1));

        var (ids, mask) = LeftPadded(batch, promptLength);
        var logits = model.Forward(ids, mask, cache, hooks, lastPositionOnly: true);
        ids.Dispose();
        mask.Dispose();
        foreach (var row in rows.Where(row => row.Request.Sampling.MaxNewTokens == 0)) row.Finish(FinishReason.Length);

        var vocabulary = model.Config.VocabularySize;
        var all = new float[rows.Length * vocabulary]; // [batch, vocab], kept across steps (TensorMemory.CopyTo)
        while (rows.Any(row => !row.Finished))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var next = new long[rows.Length];
            var live = new bool[rows.Length];
            using (logits)
            {
                TensorMemory.CopyTo(logits, all);
                var tokens = TokenSampler.NextForRows(all, vocabulary, rows.Select(row => row.Finished ? null : row.Sampler).ToArray());
                for (var index = 0; index < rows.Length; index++)
                {
                    var row = rows[index];
                    if (row.Finished) continue;
                    var token = tokens[index];
                    if (row.Accept(token))
                    {
                        onToken?.Invoke(new GeneratedToken(index, token, row.Output.Count - 1));
                        next[index] = token;
                        live[index] = !row.Finished;
                    }
                }
            }
            if (!live.Any(alive => alive)) break;
            using var stepIds = tensor(next, [rows.Length, 1L]);
            using var stepMask = tensor(live, [rows.Length, 1L]);
            logits = model.Forward(stepIds, stepMask, cache, hooks, lastPositionOnly: true);
        }
        return rows.Take(requests.Count).Select(row => new GenerationResult(row.Output, row.Reason)).ToArray();
    }

    internal static (Tensor Ids, Tensor Mask) LeftPadded(IReadOnlyList<GenerationRequest> requests, int length)
    {
        var ids = new long[requests.Count * length];
        var mask = new bool[requests.Count * length];
        for (var row = 0; row < requests.Count; row++)
        {
            var prompt = requests[row].PromptIds;
            var offset = row * length + length - prompt.Count;
            for (var i = 0; i < prompt.Count; i++)
            {
                ids[offset + i] = prompt[i];
                mask[offset + i] = true;
            }
        }
        return (tensor(ids, [requests.Count, (long)length]), tensor(mask, [requests.Count, (long)length]));
    }

    /// <summary>The state of one request while it is being generated.</summary>
    private sealed class Row(GenerationRequest request)
    {
        public GenerationRequest Request { get; } = request;
        public Random Random { get; } = new(request.Seed);
        public HashSet<int> Seen { get; } = [.. request.PromptIds];
        public SamplingRow Sampler => new(Request.Sampling, Seen, Random);
        public List<int> Output { get; } = [];
        public bool Finished { get; private set; }
        public FinishReason Reason { get; private set; }

        /// <summary>Takes a sampled token; false when it was a stop token (not kept).</summary>
        public bool Accept(int token)
        {
            if (Request.StopTokenIds.Contains(token))
            {
                Finish(FinishReason.Stop);
                return false;
            }
            Output.Add(token);
            Seen.Add(token);
            if (Output.Count >= Request.Sampling.MaxNewTokens) Finish(FinishReason.Length);
            return true;
        }

        public void Finish(FinishReason reason)
        {
            Finished = true;
            Reason = reason;
        }
    }
}
