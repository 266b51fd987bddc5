using static TorchSharp.torch;

namespace Esr.Kernel.Models;

/// <summary>
/// Keys and values of every layer for a batch of sequences, preallocated to a capacity of slots. Sequences are
/// left-padded, so slot i of every row is written in the same step; a mask marks which slots hold real tokens.
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor[] _keys;   // per layer [batch, kv_heads, capacity, head_dim]
    private readonly Tensor[] _values; // per layer [batch, kv_heads, capacity, head_dim]
    private readonly Tensor _slotMask; // [batch, capacity] bool: slot holds a real token

    /// <summary>Allocates a cache for <paramref name="batchSize"/> sequences of up to <paramref name="capacity"/> slots.</summary>
    /// <param name="config">The model's shape.</param>
    /// <param name="batchSize">Rows.</param>
    /// <param name="capacity">Slots per row.</param>
    /// <param name="dtype">The model's dtype.</param>
    /// <param name="device">The model's device; null for the CPU.</param>
    public KvCache(ModelConfig config, int batchSize, int capacity, ScalarType dtype, Device? device = null)
    {
        BatchSize = batchSize;
        Capacity = capacity;
        long[] shape = [batchSize, config.KeyValueHeadCount, capacity, config.HeadDimension];
        // The cache owns its tensors: detached so that no caller's dispose scope frees them. Left unfilled: a pass reads
        // only slots below Length, which every pass writes before it reads them (zero-filling cost 126 MB of writes per
        // batch-32 generation of the bench model, and gigabytes for an 8B model's long answers).
        _keys = Enumerable.Range(0, config.LayerCount).Select(_ => empty(shape, dtype, device).DetachFromDisposeScope()).ToArray();
        _values = Enumerable.Range(0, config.LayerCount).Select(_ => empty(shape, dtype, device).DetachFromDisposeScope()).ToArray();
        _slotMask = zeros(batchSize, capacity, ScalarType.Bool, device).DetachFromDisposeScope();
        _nextPosition = new long[batchSize];
        _context = config.MaxPositionEmbeddings;
    }

    /// <summary>The model's context (max_position_embeddings): no row may hold more real tokens.</summary>
    private readonly int _context;

    /// <summary>Rows in the batch.</summary>
    public int BatchSize { get; }

    /// <summary>Slots allocated per row.</summary>
    public int Capacity { get; }

    /// <summary>Slots written so far (the same for every row).</summary>
    public int Length { get; private set; }

    /// <summary>Per row: the position the next real token will take (the number of real tokens so far).</summary>
    private readonly long[] _nextPosition;

    /// <summary>
    /// Claims slots for a forward pass of <paramref name="tokenMask"/> [batch, tokens]; returns the positions of those
    /// tokens [batch, tokens] (real tokens count up within their row; padding repeats the row's last position).
    /// </summary>
    /// <exception cref="ArgumentException">A row would hold more real tokens than the model's context.</exception>
    internal (int StartSlot, Tensor Positions) Reserve(Tensor tokenMask)
    {
        var tokens = (int)tokenMask.shape[1];
        if (tokenMask.shape[0] != BatchSize) throw new ArgumentException($"batch of {tokenMask.shape[0]} rows does not match the cache's {BatchSize}");
        if (Length + tokens > Capacity) throw new InvalidOperationException($"KV cache full: {Length} + {tokens} slots exceed the capacity of {Capacity}");
        // Computed here on the CPU: a few numbers per row, and no tensor arithmetic with temporary scalars.
        var onCpu = tokenMask.cpu();
        var real = onCpu.data<bool>().ToArray();
        if (!ReferenceEquals(onCpu, tokenMask)) onCpu.Dispose(); // cpu() hands back the caller's own tensor when it is there already
        for (var row = 0; row < BatchSize; row++)
        {
            var length = _nextPosition[row] + real.AsSpan(row * tokens, tokens).Count(true);
            if (length > _context)
                throw new ArgumentException($"a sequence of {length} tokens is longer than the model's context: config.json max_position_embeddings is {_context}");
        }
        var positions = new long[real.Length];
        for (var row = 0; row < BatchSize; row++)
        {
            for (var token = 0; token < tokens; token++)
            {
                if (real[row * tokens + token]) _nextPosition[row]++;
                positions[row * tokens + token] = Math.Max(_nextPosition[row] - 1, 0);
            }
        }
        _slotMask.narrow(1, Length, tokens).copy_(tokenMask);
        var start = Length;
        Length += tokens;
        return (start, tensor(positions, [BatchSize, (long)tokens], device: _slotMask.device));
    }

    /// <summary>[batch, slots so far] bool: which slots hold real tokens.</summary>
    internal Tensor ValidSlots => _slotMask.narrow(1, 0, Length);

    /// <summary>One layer's keys and values [batch, kv_heads, capacity, head_dim], for kernels that write the cache themselves.</summary>
    internal (Tensor Keys, Tensor Values) Layer(int layer) => (_keys[layer], _values[layer]);

    /// <summary>Writes this pass's keys and values of one layer; returns every key and value so far.</summary>
    internal (Tensor Keys, Tensor Values) Append(int layer, int startSlot, Tensor keys, Tensor values)
    {
        var tokens = keys.shape[2];
        _keys[layer].narrow(2, startSlot, tokens).copy_(keys);
        _values[layer].narrow(2, startSlot, tokens).copy_(values);
        var length = startSlot + tokens;
        return (_keys[layer].narrow(2, 0, length), _values[layer].narrow(2, 0, length));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var tensor in _keys.Concat(_values)) tensor.Dispose();
        _slotMask.Dispose();
    }
}
