using System.Text.Json;
using Esr.Kernel.Models;

namespace Esr.Cli.Tests;

[Collection(TinyLlamaCollection.Name)]
public class RandomModelCommandTests(TinyLlama tiny)
{
    [Fact]
    public void A_random_llama_takes_its_vocabulary_and_bos_eos_from_the_tokenizer_and_carries_its_files()
    {
        Assert.Equal(128256, tiny.Model.Config.VocabularySize);
        Assert.Equal(ModelArchitecture.Llama, tiny.Model.Config.Architecture);
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(tiny.ModelDirectory, "config.json")));
        Assert.Equal(128000, config.RootElement.GetProperty("bos_token_id").GetInt32());
        Assert.Equal(128009, config.RootElement.GetProperty("eos_token_id").GetInt32()); // <|eot_id|>
        Assert.True(File.Exists(Path.Combine(tiny.ModelDirectory, "tokenizer.json")));
        Assert.True(File.Exists(Path.Combine(tiny.ModelDirectory, "tokenizer_config.json")));
    }

    [Fact]
    public async Task A_random_gemma2_without_a_tokenizer_loads_and_gives_logits()
    {
        var directory = Path.Combine(tiny.NewFolder(), "gemma");

        var written = await CliRun.InProcessAsync("random-model", "--out", directory, "--architecture", "gemma2", "--vocab-size", "300", "--hidden-size", "32", "--layers", "3");
        var logits = await CliRun.InProcessAsync("logits", "--model", directory, "--ids", "2,17,299");

        Assert.Equal(0, written.ExitCode);
        Assert.Contains("gemma2", written.Stdout);
        using var model = CausalLanguageModel.Load(directory);
        Assert.Equal((ModelArchitecture.Gemma2, 300, 32, 3), (model.Config.Architecture, model.Config.VocabularySize, model.Config.HiddenSize, model.Config.LayerCount));
        Assert.Equal(model.Logits([2, 17, 299]), JsonSerializer.Deserialize<float[][]>(logits.Stdout));
    }

    [Fact]
    public async Task The_same_seed_writes_the_same_weights()
    {
        var first = Path.Combine(tiny.NewFolder(), "a");
        var second = Path.Combine(tiny.NewFolder(), "b");

        await CliRun.InProcessAsync("random-model", "--out", first, "--seed", "4");
        await CliRun.InProcessAsync("random-model", "--out", second, "--seed", "4");

        Assert.Equal(File.ReadAllBytes(Path.Combine(first, "model.safetensors")), File.ReadAllBytes(Path.Combine(second, "model.safetensors")));
    }

    [Fact]
    public async Task Force_replaces_a_checkpoint_whole_and_removes_tokenizer_files_the_new_one_does_not_bring()
    {
        var replaced = tiny.NewFolder();
        foreach (var file in Directory.GetFiles(tiny.ModelDirectory)) File.Copy(file, Path.Combine(replaced, Path.GetFileName(file)));
        var fresh = Path.Combine(tiny.NewFolder(), "fresh");

        var forced = await CliRun.InProcessAsync("random-model", "--out", replaced, "--force", "--vocab-size", "300", "--seed", "4");
        await CliRun.InProcessAsync("random-model", "--out", fresh, "--vocab-size", "300", "--seed", "4");

        Assert.Equal(0, forced.ExitCode);
        Assert.Equal(File.ReadAllBytes(Path.Combine(fresh, "model.safetensors")), File.ReadAllBytes(Path.Combine(replaced, "model.safetensors")));
        Assert.Equal(File.ReadAllText(Path.Combine(fresh, "config.json")), File.ReadAllText(Path.Combine(replaced, "config.json")));
        Assert.False(File.Exists(Path.Combine(replaced, "tokenizer.json")));
        Assert.False(File.Exists(Path.Combine(replaced, "tokenizer_config.json")));
        Assert.Empty(Directory.GetFiles(replaced, "*.tmp", SearchOption.AllDirectories));
    }
}
