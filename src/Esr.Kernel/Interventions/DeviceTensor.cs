using static TorchSharp.torch;

namespace Esr.Kernel.Interventions;

/// <summary>
/// A constant tensor a hook needs at every forward step: built once on the CPU, copied to the device (and dtype) of
/// the first activation that asks for it, and kept there, so a generation uploads it once rather than every step.
/// </summary>
/// <param name="build">Makes the tensor on the CPU; called again only if a later activation lives elsewhere.</param>
internal sealed class DeviceTensor(Func<Tensor> build) : IDisposable
{
    private Tensor? _copy;

    /// <summary>The tensor on <paramref name="device"/>, converted to <paramref name="dtype"/> when one is given.</summary>
    public Tensor On(Device device, ScalarType? dtype = null)
    {
        if (_copy is not null && _copy.device_type == device.type && _copy.device_index == device.index && (dtype is null || _copy.dtype == dtype))
            return _copy;
        _copy?.Dispose();
        using var scope = NewDisposeScope();
        var built = build();
        _copy = (dtype is { } type ? built.to(type, device) : built.to(device)).DetachFromDisposeScope();
        return _copy;
    }

    /// <inheritdoc />
    public void Dispose() => _copy?.Dispose();
}
