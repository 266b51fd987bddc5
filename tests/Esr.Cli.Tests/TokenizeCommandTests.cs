using System.Text.Json;

namespace Esr.Cli.Tests;

[Collection(TinyLlamaCollection.Name)]
public class TokenizeCommandTests(TinyLlama tiny)
{
    private const string Text = "Explain how a bicycle works.";

    [Fact]
    public async Task Tokenize_prints_only_a_json_array_of_the_library_ids_with_no_special_token_added()
    {
        var run = await CliRun.InProcessAsync("tokenize", "--tokenizer", TestFiles.Llama3TokenizerJson, "--text", Text);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
        Assert.Equal("[849,21435,1268,264,36086,4375,13]\n", run.Stdout);
        Assert.Equal(tiny.Tokenizer.Encode(Text), JsonSerializer.Deserialize<int[]>(run.Stdout)!);
    }

    [Fact]
    public async Task Add_special_puts_the_bos_id_first_as_the_tokenizer_post_processor_says()
    {
        // The model directory's tokenizer is Llama-3.1 instruct's, whose post-processor adds BOS.
        var run = await CliRun.InProcessAsync("tokenize", "--tokenizer", tiny.ModelDirectory, "--text", Text, "--add-special");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal([128000, 849, 21435, 1268, 264, 36086, 4375, 13], JsonSerializer.Deserialize<int[]>(run.Stdout)!);
        Assert.Equal(tiny.Tokenizer.Encode(Text, addSpecialTokens: true), JsonSerializer.Deserialize<int[]>(run.Stdout)!);
    }

    [Fact]
    public async Task Special_token_strings_in_the_text_become_their_ids_and_nothing_else_is_added()
    {
        var run = await CliRun.InProcessAsync("tokenize", "--tokenizer", tiny.ModelDirectory, "--text", "<|begin_of_text|>Hi<|eot_id|>");

        Assert.Equal(tiny.Tokenizer.Encode("<|begin_of_text|>Hi<|eot_id|>"), JsonSerializer.Deserialize<int[]>(run.Stdout)!);
        Assert.Equal([128000, 13347, 128009], JsonSerializer.Deserialize<int[]>(run.Stdout)!);
    }

    [Fact]
    public async Task Text_starting_with_at_or_a_dash_is_text_not_a_response_file_or_an_option()
    {
        var at = await CliRun.InProcessAsync("tokenize", "--tokenizer", tiny.ModelDirectory, "--text", "@home");
        var dash = await CliRun.InProcessAsync("tokenize", "--tokenizer", tiny.ModelDirectory, "--text", "-x");

        Assert.Equal(tiny.Tokenizer.Encode("@home"), JsonSerializer.Deserialize<int[]>(at.Stdout)!);
        Assert.Equal(tiny.Tokenizer.Encode("-x"), JsonSerializer.Deserialize<int[]>(dash.Stdout)!);
    }
}
