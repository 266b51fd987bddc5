using Esr.Kernel.Text;

namespace Esr.Kernel.Tests.Text;

/// <summary>
/// The real tokenizers, each loaded once for the whole test run and shared by every test class (loading Gemma-2
/// takes about a second). They are read-only and thread-safe; the process exit releases them.
/// </summary>
internal static class SharedTokenizers
{
    private static readonly Lazy<TextTokenizer> LazyLlama3Instruct =
        new(() => TextTokenizer.Load(ReferenceFiles.Llama3InstructDirectory));

    private static readonly Lazy<TextTokenizer> LazyGemma2 = new(() => TextTokenizer.Load(ReferenceFiles.Gemma2Directory));

    public static TextTokenizer Llama3Instruct => LazyLlama3Instruct.Value;

    public static TextTokenizer Gemma2 => LazyGemma2.Value;

    /// <summary>By the names the JavaScript reference uses.</summary>
    public static TextTokenizer Named(string name) => name switch
    {
        NodeReference.Llama3Instruct => Llama3Instruct,
        NodeReference.Gemma2 => Gemma2,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };
}
