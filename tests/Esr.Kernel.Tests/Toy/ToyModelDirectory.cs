using Esr.Kernel.Text;
using Esr.Kernel.Toy;

namespace Esr.Kernel.Tests.Toy;

/// <summary>
/// A model directory holding the default world's tokenizer files and a config.json naming the Llama family, with
/// the tokenizer and chat template loaded from it the normal way; shared by a test class, deleted afterwards.
/// </summary>
public sealed class ToyModelDirectory : IDisposable
{
    public ToyModelDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"esr-toy-tests-{Guid.NewGuid():N}");
        ToyTokenizerWriter.Write(Path, ToyWorld.Default);
        File.WriteAllText(System.IO.Path.Combine(Path, "config.json"), """{ "model_type": "llama" }""");
        Tokenizer = TextTokenizer.Load(Path);
        Template = ChatTemplate.ForModelDirectory(Path);
    }

    public string Path { get; }

    public TextTokenizer Tokenizer { get; }

    public ChatTemplate Template { get; }

    public void Dispose()
    {
        Tokenizer.Dispose();
        Directory.Delete(Path, recursive: true);
    }
}
