using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Events;
using InteractiveKernel = Microsoft.DotNet.Interactive.Kernel;

namespace Esr.Notebooks;

/// <summary>
/// Loads .NET Interactive extensions into an in-process kernel as the dotnet-interactive tool (what VS Code runs)
/// does; the library packages leave this to the host. After a <c>#r "nuget:..."</c> adds a package, every
/// <see cref="IKernelExtension"/> in the package's <c>interactive-extensions/dotnet/*.dll</c> is created and loaded,
/// then the folder's <c>extension.dib</c> runs if there is one. Extensions can also be preloaded from a path.
/// </summary>
internal sealed class KernelExtensionLoader
{
    /// <summary>Where a package keeps its extension, relative to the package root.</summary>
    public static readonly string ExtensionFolder = Path.Combine("interactive-extensions", "dotnet");

    private const string ExtensionScript = "extension.dib";

    private readonly ConcurrentQueue<string> _addedPackages = new();
    private readonly HashSet<string> _loadedFiles = new(StringComparer.Ordinal);

    /// <summary>Makes <paramref name="kernel"/> load the extensions of the packages its cells add.</summary>
    public void Attach(CompositeKernel kernel)
    {
        kernel.RegisterForDisposal(kernel.KernelEvents.Subscribe(kernelEvent =>
        {
            if (kernelEvent is PackageAdded { PackageReference.PackageRoot: { } root }) _addedPackages.Enqueue(root);
        }));
        kernel.AddMiddleware(async (command, context, next) =>
        {
            await next(command, context);
            while (_addedPackages.TryDequeue(out var root))
            {
                var folder = Path.Combine(root, ExtensionFolder);
                if (!Directory.Exists(folder)) continue;
                try
                {
                    foreach (var extension in await LoadFolderAsync(folder, kernel)) context.Publish(new KernelExtensionLoaded(extension, command));
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    context.Fail(command, error, $"Loading the kernel extension in {folder} failed: {error.GetBaseException().Message}");
                }
            }
        });
    }

    /// <summary>
    /// Loads the extensions at <paramref name="path"/>: an assembly, a folder of them, or a package folder with an
    /// <c>interactive-extensions/dotnet</c> folder.
    /// </summary>
    /// <returns>The extensions loaded (none when the path was loaded before).</returns>
    public async Task<IReadOnlyList<IKernelExtension>> LoadAsync(string path, InteractiveKernel kernel)
    {
        if (File.Exists(path)) return await LoadAssemblyAsync(Path.GetFullPath(path), kernel);
        if (!Directory.Exists(path)) throw new FileNotFoundException("no such file or folder (expected an assembly or a package folder)", path);
        var packaged = Path.Combine(path, ExtensionFolder);
        return await LoadFolderAsync(Directory.Exists(packaged) ? packaged : path, kernel);
    }

    private async Task<IReadOnlyList<IKernelExtension>> LoadFolderAsync(string folder, InteractiveKernel kernel)
    {
        var loaded = new List<IKernelExtension>();
        foreach (var assembly in Directory.GetFiles(folder, "*.dll").Order(StringComparer.Ordinal))
        {
            loaded.AddRange(await LoadAssemblyAsync(Path.GetFullPath(assembly), kernel));
        }
        var script = new FileInfo(Path.Combine(folder, ExtensionScript));
        if (script.Exists && _loadedFiles.Add(script.FullName)) await kernel.LoadAndRunInteractiveDocument(script);
        return loaded;
    }

    private async Task<IReadOnlyList<IKernelExtension>> LoadAssemblyAsync(string file, InteractiveKernel kernel)
    {
        if (!_loadedFiles.Add(file)) return [];
        var assembly = Resolve(file);
        var extensions = assembly.GetExportedTypes()
            .Where(type => type is { IsAbstract: false, IsInterface: false, IsGenericTypeDefinition: false }
                && typeof(IKernelExtension).IsAssignableFrom(type) && type.GetConstructor(Type.EmptyTypes) is not null)
            .Select(type => (IKernelExtension)Activator.CreateInstance(type)!)
            .ToArray();
        foreach (var extension in extensions) await extension.OnLoadAsync(kernel);
        return extensions;
    }

    // An assembly already in the process (the runner's own copy of a shared dependency, or the extension loaded by a
    // previous notebook) is used as it is: loading a second copy by path would clash with it.
    private static Assembly Resolve(string file)
    {
        var name = AssemblyName.GetAssemblyName(file).Name;
        return AssemblyLoadContext.Default.Assemblies.FirstOrDefault(assembly => string.Equals(assembly.GetName().Name, name, StringComparison.OrdinalIgnoreCase))
            ?? AssemblyLoadContext.Default.LoadFromAssemblyPath(file);
    }
}
