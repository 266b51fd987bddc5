using TorchSharp;

namespace Esr.Kernel.Models;

/// <summary>
/// Scalars that live as long as the program. TorchSharp 0.107 turns numbers (and the implicit alpha of 1 in
/// <c>Tensor + Tensor</c>) into Scalar objects whose last reference dies before the native call returns, so the
/// garbage collector can free them mid-call (intermittent "Unknown scalar type" errors, seen in long generations).
/// The engine therefore passes scalars it keeps alive: these, or fields of the module that uses them.
/// </summary>
internal static class Scalars
{
    /// <summary>0, e.g. the threshold of "is active".</summary>
    public static readonly Scalar Zero = 0.ToScalar();

    /// <summary>A tiny positive floor for denominators.</summary>
    public static readonly Scalar Tiny = 1e-12.ToScalar();

    /// <summary>1, the alpha of a plain addition or subtraction (integral, so it also suits int64 tensors).</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>−1, the alpha that turns an addition into a subtraction (TorchSharp's <c>sub</c> takes no alpha).</summary>
    public static readonly Scalar MinusOne = (-1).ToScalar();

    /// <summary>The fill value of a masked attention score.</summary>
    public static readonly Scalar NegativeInfinity = float.NegativeInfinity.ToScalar();
}
