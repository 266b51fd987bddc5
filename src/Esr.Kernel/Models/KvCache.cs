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
    public KvCache(ModelConfig config, int batchSize, int capacity, ScalarType dtype)
    {
        BatchSize = batchSize;
        Capacity = capacity;
        long[] shape = [batchSize, config.KeyValueHeadCount, capacity, config.HeadDimension];
        // The cache owns its tensors: detached so that no caller's dispose scope frees them.
        _keys = Enumerable.Range(0, config.LayerCount).Select(_ => zeros(shape, dtype).DetachFromDisposeScope()).ToArray();
        _values = Enumerable.Range(0, config.LayerCount).Select(_ => zeros(shape, dtype).DetachFromDisposeScope()).ToArray();
        _slotMask = zeros(batchSize, capacity, ScalarType.Bool).DetachFromDisposeScope();
        NextPosition = zeros(batchSize, ScalarType.Int64).DetachFromDisposeScope();
    }

    /// <summary>Rows in the batch.</summary>
    public int BatchSize { get; }

    /// <summary>Slots allocated per row.</summary>
    public int Capacity { get; }

    /// <summary>Slots written so far (the same for every row).</summary>
    public int Length { get; private set; }

    /// <summary>[batch] int64: the position the next real token of each row will take.</summary>
    internal Tensor NextPosition { get; private set; }

    /// <summary>Claims slots for a forward pass of <paramref name="tokenMask"/> [batch, tokens]; returns the positions of those tokens.</summary>
    internal (int StartSlot, Tensor Positions) Reserve(Tensor tokenMask)
    {
        var tokens = (int)tokenMask.shape[1];
        if (tokenMask.shape[0] != BatchSize) throw new ArgumentException($"batch of {tokenMask.shape[0]} rows does not match the cache's {BatchSize}");
        if (Length + tokens > Capacity) throw new InvalidOperationException($"KV cache full: {Length} + {tokens} slots exceed the capacity of {Capacity}");
        using var scope = NewDisposeScope();
        var counts = tokenMask.to_type(ScalarType.Int64).cumsum(1);
        var positions = (NextPosition.unsqueeze(1) + counts - 1).clamp_min(0);
        _slotMask.narrow(1, Length, tokens).copy_(tokenMask);
        var next = NextPosition + counts[.., -1];
        NextPosition.Dispose();
        NextPosition = next.DetachFromDisposeScope();
        var start = Length;
        Length += tokens;
        return (start, positions.MoveToOuterDisposeScope());
    }

    /// <summary>[batch, slots so far] bool: which slots hold real tokens.</summary>
    internal Tensor ValidSlots => _slotMask.narrow(1, 0, Length);

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
        NextPosition.Dispose();
    }
}
