using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Esr.Kernel.Models;

/// <summary>
/// Sets OMP_WAIT_POLICY=PASSIVE for libtorch's OpenMP runtime unless the user set it: after each parallel region
/// libgomp's idle threads otherwise spin for a while, and in a decoding step (a few hundred small operations
/// between the native products, which run on their own threads) those spinning threads took the cores from the
/// threads with work: steps ran 2x slower, and 10-25x on a machine busier than its cores (docs/PERFORMANCE.md).
/// The runtime reads the variable once, when libtorch is loaded, so it is set in the process's C environment as soon
/// as this assembly loads (<see cref="NativeEnvironment"/>).
/// </summary>
internal static class OpenMpWaitPolicy
{
    private const string Variable = "OMP_WAIT_POLICY";

    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "libgomp reads the variable when libtorch loads, which only code that runs at assembly load can precede")]
    internal static void Apply()
    {
        if (Environment.GetEnvironmentVariable(Variable) is not null) return;
        _ = NativeEnvironment.Set(Variable, "PASSIVE", overwrite: false);
    }
}
