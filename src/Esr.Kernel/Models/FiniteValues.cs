using static TorchSharp.torch;

namespace Esr.Kernel.Models;

/// <summary>The check that weights hold numbers: a NaN or an infinity in one weight silently turns every output into NaN.</summary>
internal static class FiniteValues
{
    /// <summary>Whether every element is finite (no NaN, no ±infinity); one pass over the tensor.</summary>
    public static bool AllFinite(Tensor tensor)
    {
        using var finite = tensor.isfinite();
        using var all = finite.all();
        return all.item<bool>();
    }
}
