using Esr.Kernel.Text;

namespace Esr.Cli.Tests;

[Collection(TinyLlamaCollection.Name)]
public class ChatTemplateCommandTests(TinyLlama tiny)
{
    private const string Prompt = "Explain how a bicycle works.";

    [Fact]
    public async Task Chat_template_prints_exactly_the_library_rendering_with_the_generation_prompt()
    {
        var run = await CliRun.InProcessAsync("chat-template", "--model", tiny.ModelDirectory, "--prompt", Prompt);

        Assert.Equal(0, run.ExitCode);
        var expected = ChatTemplate.ForModelDirectory(tiny.ModelDirectory).Render([ChatMessage.User(Prompt)], addGenerationPrompt: true);
        Assert.Equal(expected, run.Stdout);
        Assert.EndsWith("<|start_header_id|>assistant<|end_header_id|>\n\n", run.Stdout);
    }

    [Fact]
    public async Task The_paper_extra_header_flag_appends_a_second_bos_and_assistant_header_without_newlines()
    {
        var plain = await CliRun.InProcessAsync("chat-template", "--model", tiny.ModelDirectory, "--prompt", Prompt);
        var paper = await CliRun.InProcessAsync("chat-template", "--model", tiny.ModelDirectory, "--prompt", Prompt, "--paper-extra-header");

        Assert.Equal(plain.Stdout + "<|begin_of_text|><|start_header_id|>assistant<|end_header_id|>", paper.Stdout);
    }
}
