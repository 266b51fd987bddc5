using Esr.Kernel.Models;
using Esr.LlamaCpp;

namespace Esr.Kernel.Tests.Parity;

/// <summary>
/// Tiny random checkpoints written once per test run, each loaded twice: by this engine from the Hugging Face
/// files, and by llama.cpp from a GGUF export of the same weights.
/// </summary>
public sealed class ReferenceModels : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("esr-parity-").FullName;
    private readonly Dictionary<string, (CausalLanguageModel Engine, LlamaCppModel Reference)> _models = [];

    /// <summary>The configurations compared: GQA, tied embeddings with Llama-3 RoPE scaling, Gemma-2 with a short window.</summary>
    public static IReadOnlyDictionary<string, TinySpec> Specs { get; } = new Dictionary<string, TinySpec>
    {
        ["llama-gqa-untied"] = TinySpec.LlamaGqaUntied,
        ["llama-tied-llama3-rope"] = TinySpec.LlamaTiedLlama3Rope,
        ["gemma2-sliding-window"] = TinySpec.Gemma2SlidingWindow,
    };

    public ReferenceModels()
    {
        foreach (var (name, spec) in Specs)
        {
            var directory = Path.Combine(_root, name);
            TinyCheckpoint.Write(directory, spec, seed: 2024);
            var gguf = Path.Combine(_root, name + ".gguf");
            GgufExporter.Export(directory, gguf);
            _models[name] = (CausalLanguageModel.Load(directory), LlamaCppModel.Load(gguf, new LlamaCppOptions { Threads = 2 }));
        }
    }

    public CausalLanguageModel Engine(string name) => _models[name].Engine;

    public LlamaCppModel Reference(string name) => _models[name].Reference;

    public void Dispose()
    {
        foreach (var (engine, reference) in _models.Values)
        {
            engine.Dispose();
            reference.Dispose();
        }
        Directory.Delete(_root, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class ReferenceModelsCollection : ICollectionFixture<ReferenceModels>
{
    public const string Name = "llama.cpp reference models";
}
