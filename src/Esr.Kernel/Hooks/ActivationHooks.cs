using static TorchSharp.torch;

namespace Esr.Kernel.Hooks;

/// <summary>The hooks active in a forward pass, run in the order they were added at each hook point.</summary>
public sealed class ActivationHooks
{
    private readonly Dictionary<HookPoint, List<IActivationHook>> _hooks = [];

    /// <summary>Adds a hook at a point; returns this collection for chaining.</summary>
    public ActivationHooks Add(HookPoint point, IActivationHook hook)
    {
        if (!_hooks.TryGetValue(point, out var list)) _hooks[point] = list = [];
        list.Add(hook);
        return this;
    }

    /// <summary>The hook points that have hooks.</summary>
    public IEnumerable<HookPoint> Points => _hooks.Keys;

    /// <summary>
    /// The deepest block a forward pass must run for every hook to see its activation (a <c>resid_pre</c> hook of
    /// block L needs blocks 0 to L − 1 only); −1 when only <c>blocks.0.resid_pre</c> is hooked, null when there is no hook.
    /// </summary>
    internal int? LastBlockNeeded =>
        _hooks.Count == 0 ? null : _hooks.Keys.Max(point => point.Site == HookPoint.ResidualPre ? point.Block - 1 : point.Block);

    /// <summary>Whether block <paramref name="block"/> has hooks inside it (at <c>attn_out</c> or <c>mlp_out</c>).</summary>
    internal bool HasBranchHooks(int block) =>
        _hooks.ContainsKey(new HookPoint(block, HookPoint.AttentionOut)) || _hooks.ContainsKey(new HookPoint(block, HookPoint.MlpOut));

    internal Tensor Run(HookPoint point, Tensor activation, Func<HookContext> context)
    {
        if (!_hooks.TryGetValue(point, out var list)) return activation;
        var current = context();
        foreach (var hook in list) activation = hook.Apply(activation, current with { Point = point });
        return activation;
    }
}
