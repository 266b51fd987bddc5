namespace Esr.Cli.Tests;

/// <summary>The real tokenizers environment/setup.sh caches (ESR_CACHE overrides ~/.cache/esr).</summary>
public static class TestFiles
{
    private static string Cache => Environment.GetEnvironmentVariable("ESR_CACHE") is { Length: > 0 } cache
        ? cache
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "esr");

    /// <summary>Meta's Llama-3 base tokenizer: its post-processor adds nothing, even with special tokens on.</summary>
    public static string Llama3TokenizerJson => Require(Path.Combine(Cache, "npm", "tokenizer-llama3", "models", "tokenizer.json"));

    /// <summary>The Llama-3.1 instruct tokenizer folder (tokenizer.json, tokenizer_config.json): its post-processor adds BOS.</summary>
    public static string Llama31TokenizerDirectory => Path.GetDirectoryName(
        Require(Path.Combine(Cache, "npm", "tokenizer-llama3_1", "models", "tokenizer.json")))!;

    /// <summary>The Gemma-2 tokenizer folder (tokenizer.json, tokenizer_config.json with the chat template).</summary>
    public static string Gemma2TokenizerDirectory => Path.GetDirectoryName(
        Require(Path.Combine(Cache, "npm", "tokenizer-gemma2", "models", "tokenizer.json")))!;

    private static string Require(string path) => File.Exists(path)
        ? path
        : throw new FileNotFoundException($"{path} is missing: run environment/setup.sh, which caches the real tokenizers", path);
}
