using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Esr.Notebooks.Tests;

/// <summary>
/// A NuGet package built on the spot that carries a kernel extension where .NET Interactive looks for one
/// (<c>interactive-extensions/dotnet/</c>), in a local feed folder, as a workbench extension is shipped.
/// </summary>
internal static class ProbePackage
{
    public const string Id = "Esr.Notebooks.TestProbe";

    /// <summary>What the package's <c>#!packaged-probe</c> displays.</summary>
    public const string Shown = "the packaged probe extension is loaded";

    private const string Source = $$"""
        using System.Threading.Tasks;
        using Microsoft.DotNet.Interactive;
        using Microsoft.DotNet.Interactive.Directives;

        public sealed class PackagedProbe : IKernelExtension
        {
            public Task OnLoadAsync(Kernel kernel)
            {
                kernel.AddDirective(new KernelActionDirective("#!packaged-probe", "Shows that the packaged extension loaded"), (_, context) =>
                {
                    KernelInvocationContextExtensions.Display(context, "{{Shown}}", "text/plain");
                    return Task.CompletedTask;
                });
                return Task.CompletedTask;
            }
        }
        """;

    /// <summary>
    /// Writes the package into <paramref name="feed"/> and returns its version, which follows from the extension's
    /// bytes: restores cache packages by id and version, so a changed extension gets a new version.
    /// </summary>
    public static string WriteTo(string feed)
    {
        var assembly = Compile();
        var version = $"1.0.0-t{Convert.ToHexStringLower(SHA256.HashData(assembly))[..12]}";
        Directory.CreateDirectory(feed);
        using var package = ZipFile.Open(Path.Combine(feed, $"{Id}.{version}.nupkg"), ZipArchiveMode.Create);
        Add(package, $"{Id}.nuspec", Encoding.UTF8.GetBytes($"""
            <?xml version="1.0" encoding="utf-8"?>
            <package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
              <metadata>
                <id>{Id}</id>
                <version>{version}</version>
                <authors>ESR Workbench tests</authors>
                <description>A kernel extension that proves package extensions load.</description>
              </metadata>
            </package>
            """));
        Add(package, $"interactive-extensions/dotnet/{Id}.dll", assembly);
        return version;
    }

    private static void Add(ZipArchive package, string name, byte[] content)
    {
        using var stream = package.CreateEntry(name).Open();
        stream.Write(content);
    }

    private static byte[] Compile()
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create(Id, [CSharpSyntaxTree.ParseText(Source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, deterministic: true));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        if (!result.Success) throw new InvalidOperationException(string.Join("\n", result.Diagnostics));
        return image.ToArray();
    }
}
