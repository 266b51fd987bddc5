using Microsoft.DotNet.Interactive;
using InteractiveKernel = Microsoft.DotNet.Interactive.Kernel;

namespace Esr.Magics;

/// <summary>
/// What the notebook host runs after <c>#r "nuget: Esr.Magics, ..."</c>: installs the <c>#!esr</c> magics and the
/// formatters, and says how to start.
/// </summary>
public sealed class EsrKernelExtension : IKernelExtension
{
    /// <inheritdoc />
    public Task OnLoadAsync(InteractiveKernel kernel)
    {
        FSharpCoreRedirect.Install();
        EsrMagics.Install(kernel);
        if (KernelInvocationContext.Current is { } context)
            KernelInvocationContextExtensions.DisplayAs(context, "ESR Workbench magics loaded: try #!esr load toy-m-sa60, then #!esr help.", "text/plain");
        return Task.CompletedTask;
    }
}
