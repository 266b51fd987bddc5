using System.Text.Json;
using Esr.Kernel.Formats;
using Esr.Kernel.Generation;
using Esr.Kernel.Text;

namespace Esr.Kernel.Tests;

/// <summary>What the front ends need from the facade, on the committed toy-s-base: the JSON echo, tokenizers and prompt text by name, threads.</summary>
public sealed class FrontEndSupportTests(ToyModelFixture toy) : IClassFixture<ToyModelFixture>
{
    private static readonly GenerateOptions Short = new() { MaxTokens = 12, Temperature = 0, Seed = 3 };

    [Fact]
    public void A_completion_s_json_echoes_what_made_it_and_the_sae_only_when_the_steering_used_it()
    {
        var model = toy.Model;
        using var folder = new Models.TemporaryDirectory();
        var file = Path.Combine(folder.Path, "push.npy");
        NpyVector.Write(file, new float[model.Model.Config.HiddenSize]);
        var steering = Steering.Add(toy.Penguins, 2) + Steering.Ablate(3, 4) + Steering.VectorFile(1, file);

        var steered = model.Generate(ToyModelFixture.Prompt, Short with { Steering = steering });
        using var json = JsonDocument.Parse(steered.ToJson());

        var root = json.RootElement;
        Assert.Equal(ToyModelFixture.Prompt, root.GetProperty("prompt").GetString());
        Assert.Equal(steered.TokenIds, root.GetProperty("token_ids").EnumerateArray().Select(id => id.GetInt32()));
        Assert.Equal(steered.PromptIds, root.GetProperty("prompt_token_ids").EnumerateArray().Select(id => id.GetInt32()));
        Assert.Equal(steered.Text, root.GetProperty("completion").GetString());
        var settings = root.GetProperty("settings");
        Assert.Equal(ToyModelFixture.Name, settings.GetProperty("model").GetString());
        Assert.Equal("float32", settings.GetProperty("dtype").GetString());
        Assert.Equal("cpu", settings.GetProperty("device").GetString());
        Assert.Equal(0.0, settings.GetProperty("temperature").GetDouble());
        Assert.Equal(12, settings.GetProperty("max_tokens").GetInt32());
        Assert.Equal(model.StopTokenIds.Order(), settings.GetProperty("stop_token_ids").EnumerateArray().Select(id => id.GetInt32()));
        var vector = Assert.Single(settings.GetProperty("steer_vectors").EnumerateArray());
        Assert.Equal((1, file), (vector.GetProperty("block").GetInt32(), vector.GetProperty("file").GetString()));
        var sae = settings.GetProperty("sae");
        Assert.Equal(model.Sae!.Path, sae.GetProperty("path").GetString());
        Assert.Equal(model.Sae.SteeringPoint.Block, sae.GetProperty("layer").GetInt32());
        Assert.Equal(["add", "ablate"], sae.GetProperty("interventions").EnumerateArray().Select(i => i.GetProperty("mode").GetString()));
        Assert.Equal(toy.Penguins, sae.GetProperty("interventions")[0].GetProperty("latent").GetInt32());

        using var plain = JsonDocument.Parse(model.Generate(ToyModelFixture.Prompt, Short with { Steering = Steering.VectorFile(1, file) }).ToJson());
        Assert.Equal(JsonValueKind.Null, plain.RootElement.GetProperty("settings").GetProperty("sae").ValueKind);
    }

    [Fact]
    public void A_completion_built_by_hand_echoes_null_for_what_only_a_loaded_model_knows()
    {
        var completion = new Completion("Hi", [1, 2], "Hello", [3], FinishReason.Length, 4, Steering.None, new GenerateOptions { Seed = 4 });

        using var json = JsonDocument.Parse(completion.ToJson());

        var settings = json.RootElement.GetProperty("settings");
        Assert.Equal("length", json.RootElement.GetProperty("finish_reason").GetString());
        Assert.Equal(4, settings.GetProperty("seed").GetInt32());
        foreach (var key in new[] { "model", "paper_extra_header", "paper_final_norm", "dtype", "device", "sae" })
            Assert.Equal(JsonValueKind.Null, settings.GetProperty(key).ValueKind);
        Assert.Equal(0, settings.GetProperty("stop_token_ids").GetArrayLength());
    }

    [Fact]
    public void Repeated_option_values_are_read_each_on_its_own_and_vector_files_keep_their_source()
    {
        using var folder = new Models.TemporaryDirectory();
        var file = Path.Combine(folder.Path, "v.npy");
        NpyVector.Write(file, [1f, 2f]);

        var parsed = Steering.Parse(steer: ["5=1", "5=2,6=3"], clamp: ["7=0"], ablate: ["1,2", "9"], vectors: [$"4:{file}"]);

        Assert.Equal(
            Steering.Add(5, 1) + Steering.Add(5, 2) + Steering.Add(6, 3) + Steering.Clamp(7, 0) + Steering.Ablate(1, 2) + Steering.Ablate(9) + Steering.Vector(4, [1f, 2f]),
            parsed);
        Assert.Equal(file, Assert.Single(parsed.Vectors).Source);
        Assert.Equal(Steering.None, Steering.Parse(null, null, null, null));
        Assert.Equal([3, 3, 4], Steering.ParseLatents("--latents", "3, 3,4"));
    }

    [Theory]
    [InlineData("v.npy", "--steer-vector 'v.npy' is not L:file.npy")]
    [InlineData("x:v.npy", "--steer-vector 'x:v.npy': the block 'x' is not a non-negative integer")]
    [InlineData("0:", "--steer-vector '0:' is not L:file.npy")]
    [InlineData("0:absent.npy", "absent.npy: file not found")]
    public void A_malformed_vector_option_is_one_line_naming_the_option_or_the_file(string value, string expected)
    {
        var error = Assert.ThrowsAny<EsrInputException>(() => Steering.Parse(null, null, null, [value]));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_vector_from_a_file_of_the_wrong_width_is_named_by_its_file()
    {
        using var folder = new Models.TemporaryDirectory();
        var file = Path.Combine(folder.Path, "narrow.npy");
        NpyVector.Write(file, [1f, 2f]);

        var error = Assert.Throws<EsrInputException>(() => toy.Model.Logits([1, 2], Steering.VectorFile(0, file)));

        Assert.Contains($"steering vector {file} at block 0 has 2 values but {ToyModelFixture.Name} has d_model", error.Message);
    }

    [Fact]
    public void A_tokenizer_loads_from_a_file_a_folder_or_a_model_name()
    {
        var directory = toy.Model.Reference.Directory;
        var expected = toy.Model.Tokenizer.Encode(ToyModelFixture.Prompt);

        foreach (var source in new[] { ToyModelFixture.Name, directory, Path.Combine(directory, "tokenizer.json") })
        {
            using var tokenizer = Workbench.LoadTokenizer(source);
            Assert.Equal(expected, tokenizer.Encode(ToyModelFixture.Prompt));
        }
        Assert.Contains("absent/tokenizer.json", Assert.ThrowsAny<EsrInputException>(() => Workbench.LoadTokenizer("absent/tokenizer.json")).Message);
        Assert.StartsWith("model 'no-such-model' is not a directory", Assert.Throws<EsrInputException>(() => Workbench.LoadTokenizer("no-such-model")).Message);
    }

    [Fact]
    public void Prompt_text_is_the_templated_user_turn_by_name_without_the_weights()
    {
        using var folder = new Models.TemporaryDirectory();
        foreach (var file in Directory.EnumerateFiles(toy.Model.Reference.Directory).Where(file => !file.EndsWith(".safetensors", StringComparison.Ordinal)))
            File.Copy(file, Path.Combine(folder.Path, Path.GetFileName(file)));

        var expected = toy.Model.Template.Render([ChatMessage.User("Hi")], addGenerationPrompt: true);

        Assert.Equal(expected, Workbench.PromptText(ToyModelFixture.Name, "Hi"));
        Assert.Equal(expected, Workbench.PromptText(folder.Path, "Hi"));
        Assert.Equal(toy.Model.PromptIds("Hi"), toy.Model.Tokenizer.Encode(Workbench.PromptText(ToyModelFixture.Name, "Hi")));
    }

    [Fact]
    public void Text_ids_are_the_text_as_it_is_with_the_tokenizer_s_special_tokens()
    {
        Assert.Equal(toy.Model.Tokenizer.Encode("Hi there", addSpecialTokens: true), toy.Model.TextIds("Hi there"));
        Assert.Equal(toy.Model.TextIds("Hi there"), toy.Model.Generate("Hi there", Short with { Raw = true, MaxTokens = 1 }).PromptIds);
    }

    [Fact]
    public void Threads_below_one_are_an_input_error()
    {
        Assert.Equal("threads: 0 (expected 1 or more)", Assert.Throws<EsrInputException>(() => Workbench.SetThreads(0)).Message);
    }
}
