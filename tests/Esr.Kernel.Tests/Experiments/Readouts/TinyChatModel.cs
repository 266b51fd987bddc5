using System.Text.Json;
using Esr.Kernel.Experiments;
using Esr.Kernel.Hooks;
using Esr.Kernel.Models;
using Esr.Kernel.Saes;
using Esr.Kernel.Text;
using Esr.LlamaCpp;
using TorchSharp.PyBridge;
using Esr.Kernel.Tests.Models;
using Esr.Kernel.Tests.Saes;
using Esr.Kernel.Tests.Text;

namespace Esr.Kernel.Tests.Experiments.Readouts;

/// <summary>
/// A tiny random two-block Llama (d_model 16) with the real Llama-3 Instruct tokenizer and chat template, and a
/// random 32-latent SAE written in SAELens layout and loaded back; latents 3 and 5 have an encoder bias of −100 (never
/// active) and latent 7 one of +100 (always active). Shared by the readout experiments' tests.
/// </summary>
public sealed class TinyChatModel : IDisposable
{
    public const int Hidden = 16, Latents = 32;

    public static IReadOnlyList<int> DeadLatents { get; } = [3, 5];

    public const int AlwaysActiveLatent = 7;

    private readonly TemporaryDirectory _directory = new();

    public TinyChatModel()
    {
        var modelDirectory = Directory.CreateDirectory(Path.Combine(_directory.Path, "model")).FullName;
        foreach (var file in new[] { "tokenizer.json", "tokenizer_config.json" })
            File.Copy(Path.Combine(ReferenceFiles.Llama3InstructDirectory, file), Path.Combine(modelDirectory, file));
        var tokenizer = SharedTokenizers.Llama3Instruct;
        TinyCheckpoint.Write(modelDirectory, new TinySpec
        {
            ModelType = "llama", VocabSize = tokenizer.VocabularySize, HiddenSize = Hidden, IntermediateSize = 32, Layers = 2,
            Heads = 2, KvHeads = 1, HeadDim = 8, TieWordEmbeddings = true, MaxPositionEmbeddings = 1024,
            BosTokenId = tokenizer.TokenToId("<|begin_of_text|>")!.Value, EosTokenId = tokenizer.TokenToId("<|eot_id|>")!.Value,
        }, seed: 3);

        SaeFolder = Directory.CreateDirectory(Path.Combine(_directory.Path, "sae")).FullName;
        var weights = RandomSae.Weights(Hidden, Latents, seed: 5);
        var bias = weights["b_enc"].data<float>();
        foreach (var dead in DeadLatents) bias[dead] = -100f;
        bias[AlwaysActiveLatent] = 100f;
        File.WriteAllText(Path.Combine(SaeFolder, SaeLoader.SaeLensConfigFile), JsonSerializer.Serialize(new { architecture = "standard", d_in = Hidden, d_sae = Latents }));
        Safetensors.SaveStateDict(Path.Combine(SaeFolder, SaeLoader.SaeLensWeightsFile), weights);
        foreach (var tensor in weights.Values) tensor.Dispose();

        var model = CausalLanguageModel.Load(modelDirectory);
        Readout = new ReadoutSetup(
            model, tokenizer, ChatTemplate.ForModelDirectory(modelDirectory, ChatTemplateOptions.PaperReproduction),
            StopTokens.FromModelDirectory(modelDirectory, tokenizer), SaeLoader.Load(SaeFolder),
            HookPoint.ResidPost(1), HookPoint.ResidPost(0));
        ModelDirectory = modelDirectory;
    }

    public string ModelDirectory { get; }

    public string SaeFolder { get; }

    public ReadoutSetup Readout { get; }

    public void Dispose()
    {
        Readout.Model.Dispose();
        Readout.Sae.Dispose();
        _directory.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class TinyChatModelCollection : ICollectionFixture<TinyChatModel>
{
    public const string Name = "tiny chat model";
}
