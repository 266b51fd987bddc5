using static TorchSharp.torch;

namespace Esr.Kernel.Models;

/// <summary>Dtype conversions that cost nothing when there is nothing to convert.</summary>
internal static class DtypeConversion
{
    /// <summary>
    /// <paramref name="tensor"/> itself when it already has <paramref name="dtype"/>, a converted copy otherwise: a
    /// decoding step is a few hundred small operations, each costing microseconds of dispatch even when it is a no-op.
    /// </summary>
    public static Tensor AsType(this Tensor tensor, ScalarType dtype) => tensor.dtype == dtype ? tensor : tensor.to_type(dtype);
}
