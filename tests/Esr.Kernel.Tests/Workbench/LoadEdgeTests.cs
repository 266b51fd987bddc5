using Esr.LlamaCpp;
using Esr.Kernel.Tests.Models;
using Esr.Kernel.Tests.Experiments.Readouts;

namespace Esr.Kernel.Tests;

/// <summary>
/// Loading at its edges, on the tiny random Llama (<see cref="TinyChatModel"/>): a folder without a tokenizer, and the
/// errors about one input, which say which (<see cref="EsrInputException.Input"/>) so a front end can name its own option.
/// </summary>
[Collection(TinyChatModelCollection.Name)]
public sealed class LoadEdgeTests(TinyChatModel tiny)
{
    [Fact]
    public void A_folder_without_a_tokenizer_gives_logits_and_says_what_is_missing_for_text()
    {
        using var folder = new TemporaryDirectory();
        foreach (var name in new[] { "config.json", "model.safetensors" })
            File.Copy(Path.Combine(tiny.ModelDirectory, name), Path.Combine(folder.Path, name));

        using var model = Workbench.Load(folder.Path);

        Assert.False(model.HasTokenizer);
        Assert.Equal(tiny.Readout.Model.Logits([1, 2, 3]), model.Logits([1, 2, 3]));
        var error = Assert.Throws<EsrInputException>(() => model.Generate("Hi"));
        Assert.Contains($"has no tokenizer ({Path.Combine(folder.Path, "tokenizer.json")} is missing)", error.Message);
    }

    [Fact]
    public void A_prompt_too_long_for_the_context_names_the_max_tokens_input()
    {
        using var model = Workbench.Load(tiny.ModelDirectory);

        var error = Assert.Throws<EsrInputException>(() => model.Generate("Hi", new GenerateOptions { MaxTokens = 1020 }));

        Assert.Equal("GenerateOptions.MaxTokens", error.Input);
        Assert.Contains("plus 1020 new tokens (GenerateOptions.MaxTokens) needs", error.Message);
        Assert.Contains("config.json max_position_embeddings is 1024", error.Message);
        Assert.Equal("a sequence of 1025 tokens is longer than the model's context: config.json max_position_embeddings is 1024 (model)",
            Assert.Throws<EsrInputException>(() => model.Logits(Enumerable.Repeat(1, 1025).ToArray())).Message);
    }

    [Fact]
    public void Sae_errors_at_load_name_the_load_options_they_are_about()
    {
        EsrInputException Load(LoadOptions options) => Assert.Throws<EsrInputException>(() => Workbench.Load(tiny.ModelDirectory, options));

        var outside = Load(new LoadOptions { Sae = tiny.SaeFolder, SaeLayer = 2 });
        Assert.Equal($"SAE '{tiny.SaeFolder}': LoadOptions.SaeLayer 2 is outside model's blocks 0 to 1", outside.Message);
        Assert.Equal("LoadOptions.SaeLayer", outside.Input);
        var noLayer = Load(new LoadOptions { Sae = tiny.SaeFolder });
        Assert.Equal($"SAE '{tiny.SaeFolder}': give LoadOptions.SaeLayer, the block whose output the SAE reads", noLayer.Message);
        Assert.Equal("LoadOptions.SaeLayer", noLayer.Input);
        var nothingToPlace = Load(new LoadOptions { SaeLayer = 0 });
        Assert.Equal("LoadOptions.SaeLayer 0 places no SAE: model has none of its own and none was given", nothingToPlace.Message);
        Assert.Equal("LoadOptions.SaeLayer", nothingToPlace.Input);

        using var model = Workbench.Load(tiny.ModelDirectory);
        var noSae = Assert.Throws<EsrInputException>(() => model.Logits([1], Steering.Add(1, 1)));
        Assert.Equal("steering names latents but model has no SAE attached (attach one: LoadOptions.Sae or AttachSae)", noSae.Message);
        Assert.Equal("LoadOptions.Sae", noSae.Input);
        Assert.Null(Assert.Throws<EsrInputException>(() => model.AttachSae(tiny.SaeFolder, layer: 2)).Input);
    }

    [Fact]
    public void The_final_norm_quirk_on_a_gemma_model_names_its_load_option()
    {
        using var folder = new TemporaryDirectory();
        TinyCheckpoint.Write(folder.Path, new TinySpec
        {
            ModelType = "gemma2", VocabSize = 64, HiddenSize = 16, IntermediateSize = 32, Layers = 1, Heads = 2, KvHeads = 1, HeadDim = 8,
            RmsNormEps = 1e-6, QueryPreAttnScalar = 8, MaxPositionEmbeddings = 64,
        }, seed: 1);

        var error = Assert.Throws<EsrInputException>(() => Workbench.Load(folder.Path, new LoadOptions { PaperFinalNorm = true }));

        Assert.Equal("LoadOptions.PaperFinalNorm applies to Llama models only; this model is Gemma2 (its fork kept the standard final norm)", error.Message);
        Assert.Equal("LoadOptions.PaperFinalNorm", error.Input);
    }
}
