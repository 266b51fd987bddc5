using Esr.Kernel.Experiments;
using Esr.Kernel.Formats;
using Esr.Kernel.Hooks;
using Esr.Kernel.Text;
using Esr.Kernel.Tests.Experiments.Readouts;

namespace Esr.Kernel.Tests;

/// <summary>
/// The facade on a tiny random Llama with the real Llama-3 tokenizer and template (<see cref="TinyChatModel"/>): by
/// directory, by Hugging Face id and by paper name from a cache laid out in a temporary folder, with an SAE by path.
/// </summary>
[Collection(TinyChatModelCollection.Name)]
public sealed class TinyModelTests(TinyChatModel tiny)
{
    private static readonly GenerateOptions Greedy = new() { MaxTokens = 8, Temperature = 0 };

    [Fact]
    public void A_directory_loads_as_a_plain_model_and_takes_an_sae_by_path_at_the_block_given()
    {
        using var model = Workbench.Load(tiny.ModelDirectory);

        Assert.Equal(ModelReferenceKind.Directory, model.Reference.Kind);
        Assert.Equal("model", model.Name);
        Assert.Equal(new ModelQuirks(false, false, HookPoint.ResidualPost), model.Quirks);
        Assert.Null(model.Sae);
        Assert.Null(model.DefaultJudge);
        Assert.Equal(1.0, model.RepetitionPenalty);
        Assert.Contains("give the layer", Assert.Throws<EsrInputException>(() => model.AttachSae(tiny.SaeFolder)).Message);
        Assert.Contains("layer 2 is outside model's blocks 0 to 1", Assert.Throws<EsrInputException>(() => model.AttachSae(tiny.SaeFolder, layer: 2)).Message);
        Assert.Contains("names latents but model has no SAE attached",
            Assert.Throws<EsrInputException>(() => model.Generate("Hi", Greedy with { Steering = Steering.Add(1, 1) })).Message);

        var sae = model.AttachSae(tiny.SaeFolder, layer: 1);

        Assert.Same(sae, model.Sae);
        Assert.Equal(HookPoint.ResidPost(1), sae.Point);
        Assert.Equal(TinyChatModel.Latents, sae.Width);
        Assert.Equal("feature_3", sae.Label(3));
        var trace = model.ReadLatents(model.ConversationIds("Hi", "Hello there."), latents: [TinyChatModel.AlwaysActiveLatent, 3]);
        Assert.All(trace.Of(TinyChatModel.AlwaysActiveLatent), value => Assert.True(value > 0));
        Assert.All(trace.Of(3), value => Assert.Equal(0f, value));
        var steered = model.Generate("Hi", Greedy with { Steering = Steering.Add(TinyChatModel.AlwaysActiveLatent, 50) });
        Assert.NotEqual(model.Generate("Hi", Greedy).TokenIds, steered.TokenIds);
    }

    [Fact]
    public void A_hugging_face_id_in_the_cache_generates_what_its_directory_generates()
    {
        using var cache = new HuggingFaceCacheLayout();
        cache.Add("esr-tests/tiny-chat", tiny.ModelDirectory);
        using var byDirectory = Workbench.Load(tiny.ModelDirectory);
        using var byId = Workbench.Load("esr-tests/tiny-chat", new LoadOptions { HuggingFaceHome = cache.Home });

        Assert.Equal(ModelReferenceKind.HuggingFace, byId.Reference.Kind);
        Assert.Equal("tiny-chat", byId.Name);
        Assert.Equal(byDirectory.Generate("Explain how a bicycle works.", Greedy).TokenIds, byId.Generate("Explain how a bicycle works.", Greedy).TokenIds);
    }

    [Fact]
    public void A_paper_name_found_in_the_cache_loads_with_the_paper_s_quirks_and_asks_for_its_sae_there()
    {
        using var cache = new HuggingFaceCacheLayout();
        cache.Add(PaperConfigurations.Llama8B.ModelRepo, tiny.ModelDirectory);

        using var model = Workbench.Load("llama-3.1-8b", new LoadOptions { HuggingFaceHome = cache.Home, Dtype = "bfloat16" });

        Assert.Equal(ModelReferenceKind.Paper, model.Reference.Kind);
        Assert.Equal(new ModelQuirks(true, true, HookPoint.ResidualPost), model.Quirks);
        Assert.True(model.Model.PaperFinalNorm);
        Assert.Equal(PaperConfigurations.Llama8B.RepetitionPenalty, model.RepetitionPenalty);
        Assert.Equal(TorchSharp.torch.ScalarType.BFloat16, model.Model.Dtype);
        var paperTemplate = ChatTemplate.ForModelDirectory(tiny.ModelDirectory, ChatTemplateOptions.PaperReproduction);
        Assert.Equal(paperTemplate.PromptIds(model.Tokenizer, "Hi"), model.PromptIds("Hi"));
        var completion = model.Generate("Hi", Greedy);
        Assert.Equal(PaperConfigurations.Llama8B.RepetitionPenalty, completion.Settings.RepetitionPenalty);
        Assert.Contains("Goodfire/Llama-3.1-8B-Instruct-SAE-l19 is not in the Hugging Face cache",
            Assert.Throws<EsrInputException>(() => model.AttachSae("llama-3.1-8b")).Message);

        using var plain = Workbench.Load("llama-3.1-8b", new LoadOptions { HuggingFaceHome = cache.Home, Dtype = "bfloat16", PaperExtraHeader = false, PaperFinalNorm = false });
        Assert.Equal(ChatTemplate.ForModelDirectory(tiny.ModelDirectory).PromptIds(plain.Tokenizer, "Hi"), plain.PromptIds("Hi"));
        Assert.False(plain.Model.PaperFinalNorm);
        var ids = model.PromptIds("Hi");
        var quirked = model.Logits(ids)[^1];
        var standard = plain.Logits(ids)[^1];
        // Both in bf16; the quirk adds the last block's post-attention residual to the final norm's input.
        Assert.True(quirked.Zip(standard, (a, b) => Math.Abs(a - b)).Max() > 0.1f);
    }

    [Fact]
    public void Load_options_and_devices_are_checked_with_one_line_naming_the_option()
    {
        Assert.Equal("LoadOptions.Dtype 'float16' is not supported (expected float32 or bfloat16)",
            Assert.Throws<EsrInputException>(() => Workbench.Load(tiny.ModelDirectory, new LoadOptions { Dtype = "float16" })).Message);
        Assert.Equal("device 'tpu' is not one of cpu, cuda, cuda:N (N a GPU number)",
            Assert.Throws<EsrInputException>(() => Workbench.Load(tiny.ModelDirectory, new LoadOptions { Device = "tpu" })).Message);
        Assert.Equal(ComputeDevice.Cpu, ComputeDevice.Parse(" CPU "));
        Assert.Contains("SAE 'no-such-sae' is not a file or folder, a toy model (toy-s-base",
            Assert.Throws<EsrInputException>(() => Workbench.Load(tiny.ModelDirectory, new LoadOptions { Sae = "no-such-sae" })).Message);
    }

    [Fact]
    public void Asking_for_cuda_on_this_cpu_build_is_one_error_naming_the_device_and_what_is_missing()
    {
        // The project builds against the CPU libtorch package, so no CUDA device is ever available to it.
        Assert.False(TorchSharp.torch.cuda.is_available());

        foreach (var device in new[] { "cuda", "cuda:1" })
        {
            var error = Assert.Throws<EsrInputException>(() => Workbench.Load(tiny.ModelDirectory, new LoadOptions { Device = device }));
            Assert.Equal($"device '{device}': no CUDA device in this build (the CPU libtorch package); see docs/GPU.md", error.Message);
        }
    }

    [Fact]
    public void The_kernel_s_file_format_errors_are_input_errors()
    {
        Assert.IsAssignableFrom<EsrInputException>(new ModelFormatException("config.json", "bad"));
        Assert.IsAssignableFrom<EsrInputException>(new Kernel.Saes.SaeFormatException("cfg.json", "bad"));
        Assert.IsAssignableFrom<EsrInputException>(new Kernel.Formats.NpyFormatException("v.npy", "bad"));
        Assert.IsAssignableFrom<EsrInputException>(new Kernel.Saes.LatentLabelFormatException("labels.csv", 2, "bad"));
        using var empty = new Models.TemporaryDirectory();
        var missing = Assert.Throws<ModelFormatException>(() => Workbench.Load(empty.Path));
        Assert.Contains("config.json: file not found", missing.Message);
    }
}
