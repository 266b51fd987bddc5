using Esr.Kernel;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace Esr.Notebooks;

/// <summary>
/// The in-process kernel a notebook runs in: a <see cref="CompositeKernel"/> whose default is a C# kernel with what
/// the Polyglot host adds to it (<c>#r "nuget:..."</c> and <c>#i</c>, <c>display()</c> and the other helpers,
/// <c>#!set</c>/<c>#!share</c>, <c>#!who</c>, <c>#!import</c>) and the host's loading of package extensions.
/// </summary>
public static class NotebookKernel
{
    /// <summary>A fresh kernel, with the extensions at <paramref name="preload"/> loaded (see <see cref="KernelExtensionLoader.LoadAsync"/>).</summary>
    public static async Task<CompositeKernel> CreateAsync(IEnumerable<string> preload)
    {
        var csharp = new CSharpKernel()
            .UseNugetDirective((kernel, packages) =>
            {
                kernel.AddAssemblyReferences(packages.SelectMany(package => package.AssemblyPaths));
                return Task.CompletedTask;
            }, forceRestore: false)
            .UseKernelHelpers()
            .UseWho()
            .UseValueSharing();
        var composite = new CompositeKernel { csharp };
        composite.DefaultKernelName = csharp.Name;
        composite.UseImportMagicCommand();
        try
        {
            var loader = new KernelExtensionLoader();
            loader.Attach(composite);
            foreach (var path in preload) await PreloadAsync(loader, path, composite);
            return composite;
        }
        catch
        {
            composite.Dispose();
            throw;
        }
    }

    private static async Task PreloadAsync(KernelExtensionLoader loader, string path, CompositeKernel kernel)
    {
        IReadOnlyList<IKernelExtension> loaded;
        try
        {
            loaded = await loader.LoadAsync(path, kernel);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            throw new EsrInputException($"extension '{path}' could not be loaded: {error.GetBaseException().Message}", error);
        }
        if (loaded.Count == 0)
            throw new EsrInputException($"extension '{path}' holds no .NET Interactive extension (a public IKernelExtension class with a parameterless constructor)");
    }
}
