using System.Text.Json;
using Esr.Kernel.Formats;
using Esr.Kernel.Generation;
using Esr.Kernel.Hooks;
using Esr.Kernel.Interventions;
using Esr.Kernel.Models;
using Esr.Kernel.Text;

namespace Esr.Cli.Tests;

[Collection(TinyLlamaCollection.Name)]
public class GenerateCommandTests(TinyLlama tiny)
{
    private const string Prompt = "Explain how a bicycle works.";

    /// <summary>The parts of <c>generate --json</c> the tests compare.</summary>
    private sealed record Output(string Prompt, int[] PromptTokenIds, string Completion, int[] TokenIds, string FinishReason, JsonElement Settings);

    private async Task<(Output Parsed, string Text)> GenerateJsonAsync(params string[] extra)
    {
        var run = await CliRun.InProcessAsync(["generate", "--model", tiny.ModelDirectory, "--prompt", Prompt, "--json", .. extra]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("", run.Stderr);
        var parsed = JsonSerializer.Deserialize<Output>(run.Stdout, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })!;
        return (parsed, run.Stdout);
    }

    private int[] ChatPromptIds(bool paperExtraHeader = false)
    {
        var template = ChatTemplate.ForModelDirectory(tiny.ModelDirectory, new ChatTemplateOptions { AppendPapersExtraAssistantHeader = paperExtraHeader });
        return tiny.Tokenizer.Encode(template.Render([ChatMessage.User(Prompt)], addGenerationPrompt: true));
    }

    private GenerationResult Library(int[] promptIds, SamplingOptions sampling, int seed = 0, ActivationHooks? hooks = null)
    {
        var stops = StopTokens.FromModelDirectory(tiny.ModelDirectory, tiny.Tokenizer);
        return new BatchGenerator(tiny.Model).Generate([new GenerationRequest(promptIds, sampling, seed, stops)], hooks)[0];
    }

    [Fact]
    public async Task Greedy_json_generation_is_deterministic_and_equals_the_library()
    {
        var (first, firstText) = await GenerateJsonAsync("--temperature", "0", "--max-tokens", "12");
        var (_, secondText) = await GenerateJsonAsync("--temperature", "0", "--max-tokens", "12");

        Assert.Equal(firstText, secondText);
        Assert.Equal(ChatPromptIds(), first.PromptTokenIds);
        var expected = Library(ChatPromptIds(), SamplingOptions.Greedy(12));
        Assert.Equal(expected.TokenIds, first.TokenIds);
        Assert.Equal(expected.FinishReason == FinishReason.Stop ? "stop" : "length", first.FinishReason);
        Assert.Equal(tiny.Tokenizer.Decode(expected.TokenIds), first.Completion);
        Assert.Equal(Prompt, first.Prompt);
    }

    [Fact]
    public async Task Sampling_at_the_default_settings_matches_the_library_for_a_seed()
    {
        var (output, _) = await GenerateJsonAsync("--seed", "5", "--max-tokens", "10");

        Assert.Equal(0.6, output.Settings.GetProperty("temperature").GetDouble());
        Assert.Equal(1.0, output.Settings.GetProperty("top_p").GetDouble());
        Assert.Equal(1.0, output.Settings.GetProperty("repetition_penalty").GetDouble());
        Assert.Equal(Library(ChatPromptIds(), new SamplingOptions(0.6, 1.0, 1.0, 10), seed: 5).TokenIds, output.TokenIds);
    }

    [Fact]
    public void The_defaults_are_temperature_0_6_top_p_1_no_penalty_256_tokens_seed_0_and_float32()
    {
        var parse = EsrCli.CreateRootCommand(TextWriter.Null).Parse(["generate", "--model", "m", "--prompt", "p"]);

        Assert.Empty(parse.Errors);
        Assert.Equal(0.6, parse.GetValue<double>("--temperature"));
        Assert.Equal(1.0, parse.GetValue<double>("--top-p"));
        Assert.Equal(1.0, parse.GetValue<double>("--repetition-penalty"));
        Assert.Equal(256, parse.GetValue<int>("--max-tokens"));
        Assert.Equal(0, parse.GetValue<int>("--seed"));
        Assert.Equal("float32", parse.GetValue<string>("--dtype"));
        Assert.False(parse.GetValue<bool>("--raw") || parse.GetValue<bool>("--json") || parse.GetValue<bool>("--paper-extra-header") || parse.GetValue<bool>("--paper-final-norm"));
    }

    [Fact]
    public async Task Streamed_text_is_the_json_completion_followed_by_a_newline()
    {
        var (json, _) = await GenerateJsonAsync("--seed", "3", "--max-tokens", "16", "--top-p", "0.9", "--repetition-penalty", "1.3");

        var run = await CliRun.InProcessAsync("generate", "--model", tiny.ModelDirectory, "--prompt", Prompt,
            "--seed", "3", "--max-tokens", "16", "--top-p", "0.9", "--repetition-penalty", "1.3");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(json.Completion + "\n", run.Stdout);
        Assert.Equal(Library(ChatPromptIds(), new SamplingOptions(0.6, 0.9, 1.3, 16), seed: 3).TokenIds, json.TokenIds);
    }

    [Fact]
    public async Task Raw_prompts_skip_the_chat_template_and_get_the_bos_the_post_processor_adds()
    {
        var (output, _) = await GenerateJsonAsync("--raw", "--temperature", "0", "--max-tokens", "6");

        Assert.Equal(tiny.Tokenizer.Encode(Prompt, addSpecialTokens: true), output.PromptTokenIds);
        Assert.Equal(128000, output.PromptTokenIds[0]);
        Assert.Equal(Library(output.PromptTokenIds, SamplingOptions.Greedy(6)).TokenIds, output.TokenIds);
    }

    [Fact]
    public async Task The_paper_extra_header_appends_a_second_bos_and_assistant_header()
    {
        var (output, _) = await GenerateJsonAsync("--paper-extra-header", "--temperature", "0", "--max-tokens", "4");

        Assert.Equal([.. ChatPromptIds(), 128000, 128006, 78191, 128007], output.PromptTokenIds);
        Assert.Equal(ChatPromptIds(paperExtraHeader: true), output.PromptTokenIds);
    }

    [Fact]
    public async Task The_paper_final_norm_generates_as_the_library_model_with_the_quirk_and_says_so()
    {
        using var quirk = CausalLanguageModel.Load(tiny.ModelDirectory);
        quirk.PaperFinalNorm = true;
        var stops = StopTokens.FromModelDirectory(tiny.ModelDirectory, tiny.Tokenizer);

        var (output, _) = await GenerateJsonAsync("--paper-final-norm", "--temperature", "0", "--max-tokens", "8");

        var expected = new BatchGenerator(quirk).Generate([new GenerationRequest(ChatPromptIds(), SamplingOptions.Greedy(8), 0, stops)])[0];
        Assert.Equal(expected.TokenIds, output.TokenIds);
        Assert.NotEqual(Library(ChatPromptIds(), SamplingOptions.Greedy(8)).TokenIds, output.TokenIds);
        Assert.True(output.Settings.GetProperty("paper_final_norm").GetBoolean());
    }

    [Fact]
    public async Task A_steering_vector_steers_generation_exactly_as_the_library_hook_does()
    {
        // Elements of size up to 2 against a residual stream of norm about 1: the continuation must change.
        var random = new Random(11);
        var vector = Enumerable.Range(0, tiny.Model.Config.HiddenSize).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        var path = Path.Combine(tiny.NewFolder(), "bicycle.npy");
        NpyVector.Write(path, vector);

        var (steered, _) = await GenerateJsonAsync("--temperature", "0", "--max-tokens", "8", "--steer-vector", $"1:{path}");

        var hooks = new ActivationHooks().Add(HookPoint.ResidPost(1), VectorSteering.ForAllRows(vector));
        Assert.Equal(Library(ChatPromptIds(), SamplingOptions.Greedy(8), hooks: hooks).TokenIds, steered.TokenIds);
        Assert.NotEqual(Library(ChatPromptIds(), SamplingOptions.Greedy(8)).TokenIds, steered.TokenIds);
        Assert.Equal(1, steered.Settings.GetProperty("steer_vectors")[0].GetProperty("block").GetInt32());
    }
}
