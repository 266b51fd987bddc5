using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Esr.Kernel;

/// <summary>
/// A CPU tensor's memory, read directly. TorchSharp's <c>data&lt;float&gt;().ToArray()</c> copies element by element
/// (about 17 ns each here: 17 ms for the logits of a 32-row decoding step, a third of the step), where a block copy
/// takes a fraction of a millisecond. A fresh array of that size costs more than the copy (its first touch faults in
/// every page: 8 ms for 32 rows of 32,000 logits on this VM), so decoding copies into one kept array
/// (<see cref="CopyTo"/>).
/// </summary>
public static class TensorMemory
{
    /// <summary>The elements of a float32 CPU tensor in row-major order.</summary>
    public static float[] ToFloatArray(Tensor tensor)
    {
        var values = new float[tensor.numel()];
        CopyTo(tensor, values);
        return values;
    }

    /// <summary>Copies the elements of a float32 CPU tensor, in row-major order, to the start of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">Not a float32 CPU tensor, or more elements than <paramref name="destination"/> holds.</exception>
    public static void CopyTo(Tensor tensor, float[] destination)
    {
        if (tensor.dtype != ScalarType.Float32) throw new ArgumentException($"expected a float32 tensor, got {tensor.dtype}", nameof(tensor));
        if (tensor.device_type != DeviceType.CPU) throw new ArgumentException($"expected a CPU tensor, got one on {tensor.device}", nameof(tensor));
        if (tensor.numel() > destination.Length)
            throw new ArgumentException($"a tensor of {tensor.numel()} elements does not fit an array of {destination.Length}", nameof(destination));
        using var copy = tensor.is_contiguous() ? null : tensor.contiguous();
        var source = copy ?? tensor;
        if (source.numel() > 0) Marshal.Copy(Address(source), destination, 0, (int)source.numel());
    }

    /// <summary>The address of a tensor's first element (its storage offset included).</summary>
    internal static IntPtr Address(Tensor tensor) => TensorData(tensor.Handle);

    // TorchSharp's own native library (TorchSharp 0.107 has no public API for the address).
    [DllImport("LibTorchSharp", EntryPoint = "THSTensor_data")]
    private static extern IntPtr TensorData(IntPtr tensor);
}
