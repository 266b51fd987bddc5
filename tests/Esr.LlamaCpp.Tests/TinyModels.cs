namespace Esr.LlamaCpp.Tests;

/// <summary>The three tiny presets, written as Hugging Face checkpoints, exported to GGUF and loaded once per test run.</summary>
public sealed class TinyModels : IDisposable
{
    private readonly Dictionary<string, LlamaCppModel> _models = [];

    public TinyModels()
    {
        Root = Directory.CreateTempSubdirectory("esr-llamacpp-tests-").FullName;
        foreach (var (name, spec) in Presets)
        {
            var checkpoint = Path.Combine(Root, name);
            TinyCheckpoint.Write(checkpoint, spec, seed: 1234);
            var gguf = Path.Combine(Root, name + ".gguf");
            GgufExporter.Export(checkpoint, gguf);
            _models[name] = LlamaCppModel.Load(gguf, new LlamaCppOptions { Threads = 2 });
        }
    }

    public static IReadOnlyList<(string Name, TinySpec Spec)> Presets { get; } =
    [
        ("llama-gqa-untied", TinySpec.LlamaGqaUntied),
        ("llama-tied-llama3-rope", TinySpec.LlamaTiedLlama3Rope),
        ("gemma2-sliding-window", TinySpec.Gemma2SlidingWindow),
    ];

    public string Root { get; }

    public LlamaCppModel this[string name] => _models[name];

    public string CheckpointDirectory(string name) => Path.Combine(Root, name);

    public string GgufPath(string name) => Path.Combine(Root, name + ".gguf");

    public void Dispose()
    {
        foreach (var model in _models.Values) model.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class TinyModelsCollection : ICollectionFixture<TinyModels>
{
    public const string Name = "tiny models";
}
