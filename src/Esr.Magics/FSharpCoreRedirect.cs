using System.Reflection;
using System.Runtime.Loader;

namespace Esr.Magics;

/// <summary>
/// Lets Plotly.NET 6 (built against FSharp.Core 10.1) run in the dotnet-interactive tool, which ships and loads
/// FSharp.Core 10.0: a request for FSharp.Core that the default context cannot satisfy is answered with the one the
/// host already loaded. Only the host needs it; where FSharp.Core 10.1 is deployed the request never fails and the
/// handler is not asked. The real-host test draws a figure through it (docs/MAGICS.md, "Charts").
/// </summary>
internal static class FSharpCoreRedirect
{
    private const string FSharpCore = "FSharp.Core";
    private static int _installed;

    /// <summary>Adds the handler once per process.</summary>
    public static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 0) AssemblyLoadContext.Default.Resolving += Resolve;
    }

    private static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name) =>
        name.Name == FSharpCore
            ? AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(assembly => assembly.GetName().Name == FSharpCore && !assembly.IsDynamic)
            : null;
}
