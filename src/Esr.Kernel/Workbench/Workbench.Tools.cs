using System.Runtime.Intrinsics.X86;
using Esr.Kernel.Models;
using Esr.Kernel.Text;
using TorchSharp;

namespace Esr.Kernel;

// What front ends need besides loading a model: a prompt's text and a tokenizer without the weights, the thread count,
// portable numerics.
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

    /// <summary>
    /// Pins libtorch's kernels (ATen's vector code, MKL's matrix products) and the engine's native kernels to their
    /// AVX2 code paths, so that a computation gives the same bits on every x86-64 CPU with AVX2 for a fixed thread
    /// count: wider vector units, and MKL's choice of code by CPU vendor, sum in other orders. <c>esr toy build</c>
    /// calls it so that the committed zoo rebuilds byte for byte on another machine. It works only before the
    /// process's first tensor operation, since libtorch reads these settings once.
    /// </summary>
    /// <exception cref="EsrInputException">The CPU lacks AVX2 or FMA.</exception>
    public static void UsePortableNumerics()
    {
        if (!Avx2.IsSupported || !Fma.IsSupported)
            throw new EsrInputException("portable numerics: this CPU has no AVX2 and FMA, the code path every machine shares (expected an x86-64 CPU from 2013 on)");
        foreach (var (name, value) in PortableNumericsSettings)
        {
            if (!NativeEnvironment.Set(name, value, overwrite: true)) throw new InvalidOperationException($"portable numerics: could not set {name} in the C environment (Linux only)");
        }
    }

    /// <summary>The environment that <see cref="UsePortableNumerics"/> sets: ATen's kernels, MKL's conditional bitwise reproducibility, the native kernels.</summary>
    public static IReadOnlyList<(string Name, string Value)> PortableNumericsSettings { get; } =
        [("ATEN_CPU_CAPABILITY", "avx2"), ("MKL_CBWR", "AVX2"), ("ESR_CPU_CAPABILITY", "avx2")];
}
