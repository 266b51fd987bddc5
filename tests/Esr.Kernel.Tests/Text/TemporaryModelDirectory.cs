using System.Text.Json;

namespace Esr.Kernel.Tests.Text;

/// <summary>A model directory made for one test (config files written, tokenizer copied in); deleted on dispose.</summary>
internal sealed class TemporaryModelDirectory : IDisposable
{
    public TemporaryModelDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"esr-text-tests-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes an object as JSON (anonymous objects and dictionaries keep their property names).</summary>
    public TemporaryModelDirectory WriteJson(string name, object content)
    {
        System.IO.File.WriteAllText(File(name), JsonSerializer.Serialize(content));
        return this;
    }

    public TemporaryModelDirectory WriteText(string name, string content)
    {
        System.IO.File.WriteAllText(File(name), content);
        return this;
    }

    public TemporaryModelDirectory CopyFrom(string source, string? name = null)
    {
        System.IO.File.Copy(source, File(name ?? System.IO.Path.GetFileName(source)));
        return this;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
