using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Directives;

namespace Esr.Notebooks.Tests;

/// <summary>A kernel extension for the preload test: adds a <c>#!probe</c> magic command that displays a fixed text.</summary>
public sealed class ProbeExtension : IKernelExtension
{
    /// <summary>What <c>#!probe</c> displays.</summary>
    public const string Shown = "the probe extension is loaded";

    /// <inheritdoc />
    public Task OnLoadAsync(Microsoft.DotNet.Interactive.Kernel kernel)
    {
        kernel.AddDirective(new KernelActionDirective("#!probe", "Shows that the extension loaded"), (_, context) =>
        {
            KernelInvocationContextExtensions.Display(context, Shown, "text/plain");
            return Task.CompletedTask;
        });
        return Task.CompletedTask;
    }
}
