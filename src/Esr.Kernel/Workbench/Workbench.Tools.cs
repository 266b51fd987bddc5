using Esr.Kernel.Text;
using TorchSharp;

namespace Esr.Kernel;

// What front ends need besides loading a model: a prompt's text and a tokenizer without the weights, the thread count.
public static partial class Workbench
{
    /// <summary>
    /// The exact text <paramref name="prompt"/> becomes before tokenization: one user turn through the model's chat
    /// template with the generation prompt, and the paper's extra header where <paramref name="options"/> (or the
    /// model's default quirks) ask for it. Reads only the model's config and template files, not its weights.
    /// </summary>
    /// <param name="model">A name or directory, as <see cref="Load"/> takes.</param>
    /// <param name="prompt">The user message.</param>
    /// <param name="options">Only <see cref="LoadOptions.PaperExtraHeader"/> and <see cref="LoadOptions.HuggingFaceHome"/> matter; null for the defaults.</param>
    /// <exception cref="EsrInputException">Unknown name, or missing or malformed config or template files.</exception>
    public static string PromptText(string model, string prompt, LoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        options ??= LoadOptions.Default;
        return LoadedModel.PromptText(ModelReference.Resolve(model, options.HuggingFaceHome), prompt, options);
    }

    /// <summary>
    /// Loads a tokenizer on its own: a tokenizer.json file, a folder holding one, or a model name as <see cref="Load"/>
    /// takes (its folder's tokenizer). A rooted path or a name ending in .json is always read as a file.
    /// </summary>
    /// <param name="source">The file, folder or model name.</param>
    /// <param name="huggingFaceHome">The Hugging Face cache root for a paper name or id; null for <c>HF_HOME</c>, else <c>~/.cache/huggingface</c>.</param>
    /// <exception cref="EsrInputException">No such file or model, or a malformed tokenizer.json.</exception>
    public static TextTokenizer LoadTokenizer(string source, string? huggingFaceHome = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var path = File.Exists(source) || Directory.Exists(source) || Path.IsPathRooted(source) || source.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? source
            : ModelReference.Resolve(source, huggingFaceHome).Directory;
        return InputErrors.Convert(() => TextTokenizer.Load(path));
    }

    /// <summary>
    /// Sets how many CPU threads libtorch computes with in this process (its default is one per core). Results can
    /// change in the last bits with the count; the toy zoo is reproducible for a fixed one.
    /// </summary>
    /// <exception cref="EsrInputException">The count is below 1.</exception>
    public static void SetThreads(int count)
    {
        if (count < 1) throw new EsrInputException($"threads: {count} (expected 1 or more)");
        torch.set_num_threads(count);
    }
}
