using static TorchSharp.torch;

namespace Esr.Kernel.Formats;

/// <summary>The check that weights hold numbers: a NaN or an infinity in one weight silently turns every output into NaN.</summary>
internal static class FiniteValues
{
    /// <summary>Whether every element is finite (no NaN, no ±infinity).</summary>
    /// <remarks>
    /// A float tensor's sum is finite when all its elements are, and NaN or infinite when one is not, unless finite
    /// elements overflow it (a sum beyond 3.4e38, which no real weights reach). So one summing pass, without a
    /// temporary, decides; only a non-finite sum is confirmed element by element. On CPU, isfinite().all() over the
    /// bench's 645M-parameter model (2.6 GB) took 5-11 s against 0.1-0.7 s for the sums, on a busy 2-core machine.
    /// </remarks>
    public static bool AllFinite(Tensor tensor)
    {
        if (!tensor.is_floating_point()) return true;
        using (var sum = tensor.sum())
        using (var single = sum.to_type(ScalarType.Float32))
        {
            if (float.IsFinite(single.item<float>())) return true;
        }
        using var finite = tensor.isfinite();
        using var all = finite.all();
        return all.item<bool>();
    }
}
