using Esr.Kernel.Models;
using Esr.Kernel.Text;

namespace Esr.Cli.Tests;

/// <summary>
/// A tiny random Llama with the real Llama-3.1 tokenizer (vocabulary 128256, d_model 64, 2 blocks), written once
/// per test run by <c>esr random-model</c>, plus the same checkpoint loaded through the library for comparisons.
/// </summary>
public sealed class TinyLlama : IDisposable
{
    public TinyLlama()
    {
        Root = Directory.CreateTempSubdirectory("esr-cli-tests-").FullName;
        ModelDirectory = Path.Combine(Root, "tiny-llama");
        var run = CliRun.InProcessAsync("random-model", "--out", ModelDirectory, "--tokenizer", TestFiles.Llama31TokenizerDirectory, "--seed", "7")
            .GetAwaiter().GetResult();
        if (run.ExitCode != 0) throw new InvalidOperationException($"esr random-model failed: {run.Stderr}");
        Model = CausalLanguageModel.Load(ModelDirectory);
        Tokenizer = TextTokenizer.Load(ModelDirectory);
    }

    /// <summary>A scratch folder for the tests' own files, removed at the end.</summary>
    public string Root { get; }

    /// <summary>The model directory.</summary>
    public string ModelDirectory { get; }

    /// <summary>The checkpoint loaded in float32 by the library.</summary>
    public CausalLanguageModel Model { get; }

    /// <summary>Its tokenizer, loaded by the library.</summary>
    public TextTokenizer Tokenizer { get; }

    /// <summary>A new empty folder under <see cref="Root"/>.</summary>
    public string NewFolder() => Directory.CreateDirectory(Path.Combine(Root, Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose()
    {
        Model.Dispose();
        Tokenizer.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}

/// <summary>Tests that share <see cref="TinyLlama"/>; they run one after another, so timings stay predictable.</summary>
[CollectionDefinition(Name)]
public sealed class TinyLlamaCollection : ICollectionFixture<TinyLlama>
{
    public const string Name = "tiny llama";
}
