using System.Text.Json;
using Esr.Kernel.Toy;

namespace Esr.Cli.Tests;

/// <summary>The model commands take what the kernel's Workbench.Load takes (a toy name here) and a <c>--device</c>.</summary>
[Collection(TinyLlamaCollection.Name)]
public class ModelNameAndDeviceTests(TinyLlama tiny)
{
    private const string Toy = "toy-s-base";

    [Theory]
    [InlineData("generate", "--prompt", "Hi")]
    [InlineData("logits", "--ids", "1,2")]
    [InlineData("latents", "--text", "Hi")]
    public async Task Cuda_on_this_cpu_build_is_one_error_line_naming_the_device_and_what_is_missing(string command, string option, string value)
    {
        foreach (var device in new[] { "cuda", "cuda:1" })
        {
            var run = await CliRun.InProcessAsync(command, "--model", Toy, option, value, "--device", device);

            Assert.Equal(ExitCodes.Failure, run.ExitCode);
            Assert.Equal("", run.Stdout);
            Assert.Equal($"esr: device '{device}': no CUDA device in this build (the CPU libtorch package); see docs/GPU.md", Assert.Single(run.StderrLines));
        }
    }

    [Fact]
    public async Task A_local_judge_takes_the_device_and_cuda_is_one_error_line_on_this_build()
    {
        var run = await CliRun.InProcessAsync("judge", "--judge", "local:" + tiny.ModelDirectory, "--device", "cuda",
            "--prompt", "p", "--response", "r", "--label", "l");

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Equal("esr: device 'cuda': no CUDA device in this build (the CPU libtorch package); see docs/GPU.md", Assert.Single(run.StderrLines));
    }

    [Fact]
    public async Task Toy_eval_takes_the_device_and_cuda_is_one_error_line_on_this_build()
    {
        var run = await CliRun.InProcessAsync("toy", "eval", "--model", Toy, "--device", "cuda");

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Equal("esr: device 'cuda': no CUDA device in this build (the CPU libtorch package); see docs/GPU.md", Assert.Single(run.StderrLines));
    }

    [Fact]
    public async Task The_cpu_device_is_the_default_and_can_be_named()
    {
        var named = await CliRun.InProcessAsync("logits", "--model", tiny.ModelDirectory, "--ids", "128000,849", "--device", "cpu");
        var unnamed = await CliRun.InProcessAsync("logits", "--model", tiny.ModelDirectory, "--ids", "128000,849");

        Assert.Equal(0, named.ExitCode);
        Assert.Equal(unnamed.Stdout, named.Stdout);
        Assert.Equal("esr: device 'tpu' is not one of cpu, cuda, cuda:N (N a GPU number)",
            Assert.Single((await CliRun.InProcessAsync("logits", "--model", tiny.ModelDirectory, "--ids", "1", "--device", "tpu")).StderrLines));
    }

    [Fact]
    public async Task A_toy_model_steers_and_reads_latents_with_its_own_sae_by_name()
    {
        var entry = ToyZoo.Read(ToyZoo.Locate()).Single(entry => entry.Name == Toy);
        var penguins = entry.SubjectLatents["penguins"];

        var generated = await CliRun.InProcessAsync("generate", "--model", Toy, "--prompt", "Explain how to bake bread.", "--temperature", "0",
            "--max-tokens", "8", "--steer", $"{penguins}=6", "--json");
        var latents = await CliRun.InProcessAsync("latents", "--model", Toy, "--text", "penguins swim", "--top", "2");

        Assert.True(generated.ExitCode == 0, generated.Stderr);
        using var json = JsonDocument.Parse(generated.Stdout);
        var settings = json.RootElement.GetProperty("settings");
        Assert.Equal(Toy, settings.GetProperty("model").GetString());
        Assert.Equal("cpu", settings.GetProperty("device").GetString());
        Assert.Equal(entry.SaeBlock, settings.GetProperty("sae").GetProperty("layer").GetInt32());
        Assert.Equal(penguins, settings.GetProperty("sae").GetProperty("interventions")[0].GetProperty("latent").GetInt32());
        Assert.True(latents.ExitCode == 0, latents.Stderr);
        Assert.Equal(3, latents.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // BOS and two words
    }

    [Fact]
    public async Task Tokenize_and_chat_template_take_a_model_name()
    {
        var tokens = await CliRun.InProcessAsync("tokenize", "--tokenizer", Toy, "--text", "penguins swim");
        var byFolder = await CliRun.InProcessAsync("tokenize", "--tokenizer", Path.Combine(ToyZoo.Locate(), Toy), "--text", "penguins swim");
        var template = await CliRun.InProcessAsync("chat-template", "--model", Toy, "--prompt", "Hi");

        Assert.True(tokens.ExitCode == 0, tokens.Stderr);
        Assert.Equal(byFolder.Stdout, tokens.Stdout);
        Assert.True(template.ExitCode == 0, template.Stderr);
        Assert.Contains("Hi", template.Stdout);
    }
}
