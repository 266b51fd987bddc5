using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Esr.LlamaCpp;

/// <summary>
/// Collects one named graph tensor (llama.cpp names a block's output <c>l_out-L</c>) through the scheduler's
/// evaluation callback (<c>cb_eval</c>). The scheduler first asks, for each node, whether the callback wants it;
/// for a yes it computes up to that node and calls again with the data. A batch split into several micro-batches
/// calls once per micro-batch, so rows are appended in batch order.
/// </summary>
internal sealed unsafe class BlockOutputCapture : IDisposable
{
    private readonly string _tensorName;
    private readonly int _width;
    private readonly List<float[]> _rows = [];
    private GCHandle _self;

    public BlockOutputCapture(int block, int width)
    {
        _tensorName = $"l_out-{block}";
        _width = width;
        _self = GCHandle.Alloc(this);
    }

    /// <summary>The function pointer for <c>LLamaContextParams.cb_eval</c>.</summary>
    public static nint Callback => (nint)(delegate* unmanaged[Cdecl]<nint, byte, nint, byte>)&OnEvaluate;

    /// <summary>The value for <c>LLamaContextParams.cb_eval_user_data</c>.</summary>
    public nint UserData => GCHandle.ToIntPtr(_self);

    /// <summary>Rows collected so far, one per token of the decoded batches, in order.</summary>
    public IReadOnlyList<float[]> Rows => _rows;

    /// <summary>An exception raised inside the callback (it cannot propagate through native code).</summary>
    public Exception? Failure { get; private set; }

    public void Clear() => _rows.Clear();

    public void Dispose()
    {
        if (_self.IsAllocated) _self.Free();
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static byte OnEvaluate(nint tensor, byte ask, nint userData)
    {
        var capture = (BlockOutputCapture)GCHandle.FromIntPtr(userData).Target!;
        try
        {
            var wanted = GgmlTensorReader.Name(tensor) == capture._tensorName;
            if (ask != 0) return wanted ? (byte)1 : (byte)0;
            if (wanted) capture._rows.AddRange(GgmlTensorReader.ReadRows(tensor, capture._width));
            return 1; // keep computing
        }
        catch (Exception exception)
        {
            capture.Failure ??= exception;
            return 0; // stop the graph; the caller reports the failure
        }
    }
}
