namespace Esr.Kernel.Hooks;

/// <summary>
/// The activations at several hook points of one token sequence, read in one forward pass that stops after the
/// deepest of them (no logits). Index by point: <c>cache[HookPoint.ResidPost(5)]</c>, <c>cache["blocks.5.resid_post"]</c>
/// or <c>cache["resid_post", 5]</c>; each gives one float32 vector per token. A model's
/// <c>RunWithCache</c> makes one.
/// </summary>
public sealed class ActivationCache
{
    private readonly IReadOnlyDictionary<HookPoint, IReadOnlyList<float[]>> _values;

    internal ActivationCache(IReadOnlyDictionary<HookPoint, IReadOnlyList<float[]>> values) => _values = values;

    /// <summary>The points read.</summary>
    public IEnumerable<HookPoint> Points => _values.Keys;

    /// <summary>The activation at <paramref name="point"/>, one vector per token.</summary>
    /// <exception cref="KeyNotFoundException">The point was not read; the message lists those that were.</exception>
    public IReadOnlyList<float[]> this[HookPoint point] =>
        _values.TryGetValue(point, out var rows)
            ? rows
            : throw new KeyNotFoundException($"{point} was not read (read: {string.Join(", ", _values.Keys)})");

    /// <summary>The activation at a point written <c>blocks.{L}.{site}</c>.</summary>
    /// <exception cref="FormatException">The text is not a hook point.</exception>
    public IReadOnlyList<float[]> this[string point] => this[HookPoint.Parse(point)];

    /// <summary>The activation at <c>blocks.{block}.{site}</c>.</summary>
    public IReadOnlyList<float[]> this[string site, int block] => this[new HookPoint(block, site)];
}
