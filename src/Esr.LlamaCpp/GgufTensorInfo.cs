namespace Esr.LlamaCpp;

/// <summary>One entry of a GGUF tensor table.</summary>
/// <param name="Name">The tensor's name, e.g. <c>blk.0.attn_q.weight</c>.</param>
/// <param name="Shape">Row-major shape, outermost dimension first (PyTorch order). The file stores the reverse
/// (ggml's <c>ne</c>, innermost first).</param>
/// <param name="GgmlType">The ggml element type; 0 is F32, the only type this project writes.</param>
/// <param name="Offset">Byte offset of the data from the start of the file's data section.</param>
public sealed record GgufTensorInfo(string Name, long[] Shape, uint GgmlType, ulong Offset)
{
    /// <summary>The ggml type number of 32-bit floats.</summary>
    public const uint F32 = 0;

    /// <summary>Number of elements (the product of the shape).</summary>
    public long ElementCount => Shape.Aggregate(1L, (product, size) => product * size);
}
