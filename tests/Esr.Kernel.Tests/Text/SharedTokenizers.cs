using Esr.Kernel.Text;

namespace Esr.Kernel.Tests.Text;

/// <summary>
/// The real tokenizers, loaded once for the whole test run and shared by every test class. Loading takes seconds
/// (the library parses Gemma-2's 256,000 tokens and 580,000 merges), so the first use starts every load at once,
/// each with the copy that adds special tokens, to use the machine's cores. They are read-only and thread-safe;
/// the process exit releases them.
/// </summary>
internal static class SharedTokenizers
{
    private static readonly Task<TextTokenizer> Llama3InstructLoad = LoadAsync(() => ReferenceFiles.Llama3InstructDirectory);
    private static readonly Task<TextTokenizer> Gemma2Load = LoadAsync(() => ReferenceFiles.Gemma2Directory);

    public static TextTokenizer Llama3Instruct => Llama3InstructLoad.GetAwaiter().GetResult();

    public static TextTokenizer Gemma2 => Gemma2Load.GetAwaiter().GetResult();

    /// <summary>By the names the JavaScript reference uses.</summary>
    public static TextTokenizer Named(string name) => name switch
    {
        NodeReference.Llama3Instruct => Llama3Instruct,
        NodeReference.Gemma2 => Gemma2,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static Task<TextTokenizer> LoadAsync(Func<string> directory) => Task.Run(() =>
    {
        var tokenizer = TextTokenizer.Load(directory());
        tokenizer.Encode("", addSpecialTokens: true); // loads the second native copy now rather than in a test
        return tokenizer;
    });
}
