using System.Runtime.InteropServices;
using LLama.Native;

namespace Esr.LlamaCpp;

/// <summary>
/// The few ggml functions needed to read a tensor handed to llama.cpp's evaluation callback: its name, size,
/// and data. They live in libggml-base, which LLamaSharp has loaded by the time a callback runs; asking the
/// dynamic loader for it by its soname returns that same copy rather than loading a second one.
/// </summary>
internal static unsafe class GgmlTensorReader
{
    private static readonly Lazy<Functions> Native = new(Bind);

    /// <summary>The tensor's name, e.g. <c>l_out-3</c>.</summary>
    public static string Name(nint tensor) => Marshal.PtrToStringUTF8(Native.Value.GetName(tensor)) ?? "";

    /// <summary>Copies a contiguous F32 tensor of shape [rows, width] (ggml: ne0 = width) into new row arrays.</summary>
    public static float[][] ReadRows(nint tensor, int width)
    {
        var functions = Native.Value;
        if (functions.IsContiguous(tensor) == 0) throw new InvalidOperationException($"Tensor {Name(tensor)} is not contiguous.");
        var elements = functions.ElementCount(tensor);
        var rows = functions.RowCount(tensor);
        if (elements != rows * width) throw new InvalidOperationException($"Tensor {Name(tensor)} has rows of {elements / Math.Max(rows, 1)} values, not {width}.");
        var data = new float[elements];
        fixed (float* destination = data) functions.Get(tensor, destination, 0, (nuint)(elements * sizeof(float)));
        var result = new float[rows][];
        for (var r = 0; r < rows; r++) result[r] = data.AsSpan((int)(r * width), width).ToArray();
        return result;
    }

    private static Functions Bind()
    {
        NativeApi.llama_empty_call(); // make LLamaSharp load llama.cpp (and with it ggml-base) first
        var handle = NativeLibrary.Load("libggml-base.so");
        return new Functions(
            (delegate* unmanaged[Cdecl]<nint, nint>)NativeLibrary.GetExport(handle, "ggml_get_name"),
            (delegate* unmanaged[Cdecl]<nint, long>)NativeLibrary.GetExport(handle, "ggml_nelements"),
            (delegate* unmanaged[Cdecl]<nint, long>)NativeLibrary.GetExport(handle, "ggml_nrows"),
            (delegate* unmanaged[Cdecl]<nint, byte>)NativeLibrary.GetExport(handle, "ggml_is_contiguous"),
            (delegate* unmanaged[Cdecl]<nint, void*, nuint, nuint, void>)NativeLibrary.GetExport(handle, "ggml_backend_tensor_get"));
    }

    private sealed class Functions(
        delegate* unmanaged[Cdecl]<nint, nint> getName,
        delegate* unmanaged[Cdecl]<nint, long> elementCount,
        delegate* unmanaged[Cdecl]<nint, long> rowCount,
        delegate* unmanaged[Cdecl]<nint, byte> isContiguous,
        delegate* unmanaged[Cdecl]<nint, void*, nuint, nuint, void> get)
    {
        public nint GetName(nint tensor) => getName(tensor);
        public long ElementCount(nint tensor) => elementCount(tensor);
        public long RowCount(nint tensor) => rowCount(tensor);
        public byte IsContiguous(nint tensor) => isContiguous(tensor);
        public void Get(nint tensor, void* destination, nuint offset, nuint size) => get(tensor, destination, offset, size);
    }
}
