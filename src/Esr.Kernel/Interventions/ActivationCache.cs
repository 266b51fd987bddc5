using Esr.Kernel.Models;

namespace Esr.Kernel.Interventions;

/// <summary>
/// The activations at several hook points of one token sequence, read in one forward pass that stops after the
/// deepest of them (no logits). Index by point: <c>cache[HookPoint.ResidPost(5)]</c>, <c>cache["blocks.5.resid_post"]</c>
/// or <c>cache["resid_post", 5]</c>; each gives one float32 vector per token.
/// </summary>
public sealed class ActivationCache
{
    private readonly IReadOnlyDictionary<HookPoint, IReadOnlyList<float[]>> _values;

    private ActivationCache(IReadOnlyDictionary<HookPoint, IReadOnlyList<float[]>> values) => _values = values;

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

    /// <summary>
    /// Feeds <paramref name="tokenIds"/> whole and records every point in <paramref name="points"/>, in one pass that
    /// stops after the deepest block needed. Recorders run after the hooks already in <paramref name="hooks"/> at the
    /// same point, so a steered point is read as steered.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="tokenIds">The sequence.</param>
    /// <param name="points">The points to read; at least one.</param>
    /// <param name="hooks">Hooks active during the pass (e.g. steering), to which the recorders are added; null for none.</param>
    /// <exception cref="ArgumentException">No point, or a point beyond the model's blocks.</exception>
    public static ActivationCache Record(CausalLanguageModel model, IReadOnlyList<int> tokenIds, IEnumerable<HookPoint> points, ActivationHooks? hooks = null)
    {
        hooks ??= new ActivationHooks();
        var recorders = points.Distinct().ToDictionary(point => point, _ => new ActivationRecorder());
        if (recorders.Count == 0) throw new ArgumentException("an activation cache needs at least one hook point", nameof(points));
        foreach (var (point, recorder) in recorders) hooks.Add(point, recorder);
        model.RunUntilLastHook(tokenIds, hooks);
        return new ActivationCache(recorders.ToDictionary(pair => pair.Key, pair => pair.Value.Rows[0]));
    }
}
