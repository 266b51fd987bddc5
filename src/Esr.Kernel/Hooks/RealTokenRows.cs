using static TorchSharp.torch;

namespace Esr.Kernel.Hooks;

/// <summary>Splits a [batch, tokens, width] tensor into per-row lists of vectors, dropping left padding.</summary>
internal static class RealTokenRows
{
    /// <summary>Appends each real token's vector of <paramref name="values"/> to its row's list, growing the list of rows as needed.</summary>
    public static void Append(List<List<float[]>> rows, Tensor values, Tensor tokenMask)
    {
        long batch = values.shape[0], tokens = values.shape[1], width = values.shape[2];
        var floats = values.to_type(ScalarType.Float32).cpu();
        var data = TensorMemory.ToFloatArray(floats);
        // to_type and cpu may hand back the caller's own tensor, which must stay alive.
        if (!ReferenceEquals(floats, values)) floats.Dispose();
        var mask = tokenMask.cpu().data<bool>().ToArray();
        while (rows.Count < batch) rows.Add([]);
        for (var row = 0; row < batch; row++)
        {
            for (var token = 0; token < tokens; token++)
            {
                if (!mask[row * tokens + token]) continue;
                rows[row].Add(data.AsSpan((int)((row * tokens + token) * width), (int)width).ToArray());
            }
        }
    }
}
