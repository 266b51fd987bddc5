using Esr.Kernel.Text;

namespace Esr.Kernel.Tests.Text;

/// <summary><see cref="StopTokens.FromModelDirectory"/> with the real tokenizers and hand-written configs.</summary>
public sealed class StopTokensTests
{
    /// <summary>Word-level tokenizer with Llama-3.1's end tokens: &lt;|end_of_text|&gt; 1, &lt;|eom_id|&gt; 2, &lt;|eot_id|&gt; 3.</summary>
    private const string TokenizerWithEomId = """
        {
          "version": "1.0",
          "added_tokens": [
            { "id": 1, "content": "<|end_of_text|>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true },
            { "id": 2, "content": "<|eom_id|>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true },
            { "id": 3, "content": "<|eot_id|>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true }
          ],
          "normalizer": null,
          "pre_tokenizer": { "type": "WhitespaceSplit" },
          "post_processor": null,
          "decoder": null,
          "model": { "type": "WordLevel", "vocab": { "hello": 0 }, "unk_token": "hello" }
        }
        """;

    [Fact]
    public void Llama_31_stops_on_its_configured_eos_ids_and_its_chat_end_tokens()
    {
        using var directory = new TemporaryModelDirectory()
            .WriteJson("config.json", new { model_type = "llama", eos_token_id = new[] { 128001, 128008, 128009 } })
            .WriteJson("generation_config.json", new { bos_token_id = 128000, eos_token_id = new[] { 128001, 128008, 128009 } });

        var stops = StopTokens.FromModelDirectory(directory.Path, SharedTokenizers.Llama3Instruct);

        Assert.Equal([128001, 128008, 128009], stops);
    }

    [Fact]
    public void Llama_adds_eot_and_end_of_text_to_a_single_configured_eos_and_needs_no_generation_config()
    {
        using var directory = new TemporaryModelDirectory()
            .WriteJson("config.json", new { model_type = "llama", eos_token_id = 128009 });

        // 128008 is a reserved token in the Llama-3.0 vocabulary, not <|eom_id|>: it is not added.
        Assert.Equal([128001, 128009], StopTokens.FromModelDirectory(directory.Path, SharedTokenizers.Llama3Instruct));
    }

    [Fact]
    public void Llama_stops_on_eom_id_when_the_vocabulary_has_it()
    {
        using var directory = new TemporaryModelDirectory()
            .WriteJson("config.json", new { model_type = "llama", eos_token_id = (int?)null })
            .WriteText("tokenizer.json", TokenizerWithEomId);
        using var tokenizer = TextTokenizer.Load(directory.Path);

        Assert.Equal([1, 2, 3], StopTokens.FromModelDirectory(directory.Path, tokenizer));
    }

    [Fact]
    public void Gemma_stops_on_eos_and_end_of_turn_with_or_without_generation_config()
    {
        using var both = new TemporaryModelDirectory()
            .WriteJson("config.json", new { model_type = "gemma2", eos_token_id = 1 })
            .WriteJson("generation_config.json", new { eos_token_id = new[] { 1, 107 } });
        using var configOnly = new TemporaryModelDirectory()
            .WriteJson("config.json", new { model_type = "gemma2", eos_token_id = 1 });

        Assert.Equal([1, 107], StopTokens.FromModelDirectory(both.Path, SharedTokenizers.Gemma2));
        Assert.Equal([1, 107], StopTokens.FromModelDirectory(configOnly.Path, SharedTokenizers.Gemma2));
    }

    [Fact]
    public void Malformed_generation_config_is_an_error_naming_the_file()
    {
        using var directory = new TemporaryModelDirectory()
            .WriteJson("config.json", new { model_type = "gemma2" })
            .WriteText("generation_config.json", "{ \"eos_token_id\": [1, ");
        var error = Assert.Throws<InvalidDataException>(
            () => StopTokens.FromModelDirectory(directory.Path, SharedTokenizers.Gemma2));
        Assert.Contains(directory.File("generation_config.json"), error.Message);
    }

    [Theory]
    [InlineData("\"<eos>\"")]
    [InlineData("[1, \"x\"]")]
    [InlineData("1.5")]
    [InlineData("999999")]
    public void An_eos_id_that_is_not_a_token_id_is_an_error_naming_the_file_and_field(string eos)
    {
        using var directory = new TemporaryModelDirectory()
            .WriteJson("config.json", new { model_type = "gemma2" })
            .WriteText("generation_config.json", $"{{ \"eos_token_id\": {eos} }}");
        var error = Assert.Throws<InvalidDataException>(
            () => StopTokens.FromModelDirectory(directory.Path, SharedTokenizers.Gemma2));
        Assert.Contains(directory.File("generation_config.json"), error.Message);
        Assert.Contains("eos_token_id", error.Message);
    }

    [Fact]
    public void An_unknown_family_is_an_error_naming_the_file_and_field()
    {
        using var directory = new TemporaryModelDirectory()
            .WriteJson("config.json", new { model_type = "gpt2", eos_token_id = 50256 });
        var error = Assert.Throws<NotSupportedException>(
            () => StopTokens.FromModelDirectory(directory.Path, SharedTokenizers.Llama3Instruct));
        Assert.Contains(directory.File("config.json"), error.Message);
        Assert.Contains("model_type", error.Message);
    }

    [Fact]
    public void A_directory_without_config_is_an_error_naming_the_file()
    {
        using var directory = new TemporaryModelDirectory();
        var error = Assert.Throws<FileNotFoundException>(
            () => StopTokens.FromModelDirectory(directory.Path, SharedTokenizers.Llama3Instruct));
        Assert.Contains(directory.File("config.json"), error.Message);
    }
}
