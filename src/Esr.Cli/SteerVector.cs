using System.Globalization;
using Esr.Kernel.Interventions;
using Esr.Kernel.Models;

namespace Esr.Cli;

/// <summary>One <c>--steer-vector L:FILE</c>: a vector read from a .npy file, to add at <c>blocks.L.resid_post</c>.</summary>
/// <param name="Block">The decoder block L (0-based).</param>
/// <param name="File">The .npy file, as given.</param>
/// <param name="Vector">Its float32 values.</param>
internal sealed record SteerVector(int Block, string File, float[] Vector)
{
    /// <summary>Parses every <c>L:FILE</c> and reads the files, so bad input fails before a model is loaded.</summary>
    /// <exception cref="EsrInputException">A value is not <c>L:FILE</c> with L a non-negative integer.</exception>
    /// <exception cref="NpyFormatException">A file is missing or is not a float32 vector.</exception>
    public static IReadOnlyList<SteerVector> ReadAll(IEnumerable<string>? values) =>
        (values ?? []).Select(Read).ToArray();

    private static SteerVector Read(string value)
    {
        // The layer never holds a colon, the path may; so split at the first one.
        var colon = value.IndexOf(':');
        if (colon <= 0 || colon == value.Length - 1)
            throw new EsrInputException($"--steer-vector '{value}' is not L:file.npy (a block index, a colon, a .npy file)");
        var layer = value[..colon];
        if (!int.TryParse(layer, NumberStyles.None, CultureInfo.InvariantCulture, out var block))
            throw new EsrInputException($"--steer-vector '{value}': the block '{layer}' is not a non-negative integer");
        var file = value[(colon + 1)..];
        return new SteerVector(block, file, NpyVector.Read(file));
    }

    /// <summary>Hooks that add every vector at its block, in the order given, or null when there are none.</summary>
    /// <exception cref="EsrInputException">A block is outside the model or a vector's length is not d_model.</exception>
    public static ActivationHooks? Hooks(IReadOnlyList<SteerVector> vectors, ModelConfig config)
    {
        if (vectors.Count == 0) return null;
        var hooks = new ActivationHooks();
        foreach (var (block, file, vector) in vectors)
        {
            if (block >= config.LayerCount)
                throw new EsrInputException($"--steer-vector {block}:{file}: the model has blocks 0 to {config.LayerCount - 1}");
            if (vector.Length != config.HiddenSize)
                throw new EsrInputException($"{file}: header field 'shape' is ({vector.Length},) but the model's d_model is {config.HiddenSize}");
            hooks.Add(HookPoint.ResidPost(block), VectorSteering.ForAllRows(vector));
        }
        return hooks;
    }
}
