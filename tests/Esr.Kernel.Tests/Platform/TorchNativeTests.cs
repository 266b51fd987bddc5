using System.Diagnostics;
using System.IO.Compression;
using static TorchSharp.torch;

namespace Esr.Kernel.Tests.Platform;

public class TorchNativeTests
{
    [Fact]
    public void Torch_loads_and_multiplies_matrices()
    {
        using var a = tensor(new float[] { 1, 2, 3, 4 }, 2, 2);
        using var product = a.matmul(a);
        Assert.Equal(new float[] { 7, 10, 15, 22 }, product.data<float>().ToArray());
    }

    [Fact]
    public void The_native_fix_weakens_the_requirement_once_and_then_leaves_the_file_alone()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var package = Path.Combine(packages, "torchsharp", "0.107.0", "torchsharp.0.107.0.nupkg");
        var script = Path.Combine(RepositoryRoot(), "environment", "weaken_glibcxx_requirement.py");
        var copy = Path.Combine(Path.GetTempPath(), $"esr-libtorchsharp-{Guid.NewGuid():N}.so");
        try
        {
            // The package archive still holds the original, unpatched library.
            using (var archive = ZipFile.OpenRead(package))
                archive.GetEntry("runtimes/linux-x64/native/libLibTorchSharp.so")!.ExtractToFile(copy);
            var original = File.ReadAllBytes(copy);
            Assert.EndsWith(": patched", Run(script, copy));
            var patched = File.ReadAllBytes(copy);
            Assert.Equal(1, original.Zip(patched).Count(pair => pair.First != pair.Second)); // one flag byte
            Assert.EndsWith(": already weak", Run(script, copy));
            Assert.Equal(patched, File.ReadAllBytes(copy));
        }
        finally
        {
            File.Delete(copy);
        }
    }

    private static string Run(string script, string library)
    {
        using var process = Process.Start(new ProcessStartInfo("python3", [script, library]) { RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output;
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Esr.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("Esr.sln not found above the test binaries");
    }
}
