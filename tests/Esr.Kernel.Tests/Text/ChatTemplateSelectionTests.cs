using System.Text.Json;
using Esr.Kernel.Text;

namespace Esr.Kernel.Tests.Text;

/// <summary><see cref="ChatTemplate.ForModelDirectory"/>: which template a model directory gets, and its errors.</summary>
public sealed class ChatTemplateSelectionTests
{
    private static string TemplateText(string jinjaFile) => File.ReadAllText(jinjaFile);

    private static string Llama30TemplateText()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(
            ReferenceFiles.TokenizerConfig(ReferenceFiles.Llama3InstructDirectory)));
        return config.RootElement.GetProperty("chat_template").GetString()!;
    }

    private static TemporaryModelDirectory Llama(object? tokenizerConfig)
    {
        var directory = new TemporaryModelDirectory().WriteJson("config.json", new { model_type = "llama" });
        return tokenizerConfig is null ? directory : directory.WriteJson("tokenizer_config.json", tokenizerConfig);
    }

    [Fact]
    public void A_llama_directory_with_the_31_template_gets_the_31_format()
    {
        using var directory = Llama(new
        {
            bos_token = "<|begin_of_text|>", chat_template = TemplateText(ReferenceFiles.Llama31Template),
        });
        var template = ChatTemplate.ForModelDirectory(directory.Path);
        Assert.IsType<Llama31ChatTemplate>(template);
        Assert.Equal("llama-3.1", template.Name);
    }

    [Fact]
    public void A_llama_directory_with_the_33_template_gets_the_31_format()
    {
        using var directory = Llama(new { chat_template = TemplateText(ReferenceFiles.Llama33Template) });
        Assert.IsType<Llama31ChatTemplate>(ChatTemplate.ForModelDirectory(directory.Path));
    }

    [Fact]
    public void A_llama_directory_with_the_30_template_gets_the_30_format()
    {
        using var directory = new TemporaryModelDirectory()
            .WriteJson("config.json", new { model_type = "llama" })
            .CopyFrom(ReferenceFiles.TokenizerConfig(ReferenceFiles.Llama3InstructDirectory));
        var template = ChatTemplate.ForModelDirectory(directory.Path);
        Assert.IsType<Llama30ChatTemplate>(template);
        Assert.Equal("llama-3.0", template.Name);
    }

    [Fact]
    public void The_template_may_live_in_chat_template_jinja()
    {
        using var directory = Llama(new { bos_token = "<|begin_of_text|>" })
            .CopyFrom(ReferenceFiles.Llama31Template, "chat_template.jinja");
        Assert.IsType<Llama31ChatTemplate>(ChatTemplate.ForModelDirectory(directory.Path));
    }

    [Fact]
    public void Of_named_templates_the_default_one_decides()
    {
        using var directory = Llama(new
        {
            chat_template = new[]
            {
                new { name = "tool_use", template = "{{ 'tools' }}" },
                new { name = "default", template = TemplateText(ReferenceFiles.Llama31Template) },
            },
        });
        Assert.IsType<Llama31ChatTemplate>(ChatTemplate.ForModelDirectory(directory.Path));
    }

    [Fact]
    public void The_bos_string_comes_from_tokenizer_config()
    {
        using var directory = Llama(new { bos_token = new { content = "<s>" }, chat_template = Llama30TemplateText() });
        var text = ChatTemplate.ForModelDirectory(directory.Path).Render([ChatMessage.User("Hi")], true);
        Assert.StartsWith("<s><|start_header_id|>user", text);
    }

    [Fact]
    public void The_options_reach_the_template()
    {
        using var directory = Llama(new { chat_template = TemplateText(ReferenceFiles.Llama31Template) });
        var text = ChatTemplate.ForModelDirectory(directory.Path, ChatTemplateOptions.PaperReproduction)
            .Render([ChatMessage.User("Hi")], addGenerationPrompt: true);
        Assert.EndsWith("<|end_header_id|>\n\n<|begin_of_text|><|start_header_id|>assistant<|end_header_id|>", text);
    }

    [Fact]
    public void A_gemma2_directory_gets_the_gemma2_format_with_or_without_a_template()
    {
        using var withTemplate = new TemporaryModelDirectory()
            .WriteJson("config.json", new { model_type = "gemma2" })
            .CopyFrom(ReferenceFiles.GeminiTokenizerConfig);
        using var without = new TemporaryModelDirectory().WriteJson("config.json", new { model_type = "gemma2" });

        Assert.IsType<Gemma2ChatTemplate>(ChatTemplate.ForModelDirectory(withTemplate.Path));
        var template = ChatTemplate.ForModelDirectory(without.Path);
        Assert.Equal("gemma-2", template.Name);
        Assert.Equal("<bos><start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n",
            template.Render([ChatMessage.User(" Hi ")], addGenerationPrompt: true));
    }

    [Fact]
    public void An_unknown_family_is_an_error_naming_the_file_and_field()
    {
        using var directory = new TemporaryModelDirectory().WriteJson("config.json", new { model_type = "mistral" });
        var error = Assert.Throws<NotSupportedException>(() => ChatTemplate.ForModelDirectory(directory.Path));
        Assert.Contains(directory.File("config.json"), error.Message);
        Assert.Contains("model_type", error.Message);
        Assert.Contains("mistral", error.Message);
    }

    [Fact]
    public void A_config_without_model_type_is_an_error_naming_the_file_and_field()
    {
        using var directory = new TemporaryModelDirectory().WriteJson("config.json", new { hidden_size = 8 });
        var error = Assert.Throws<InvalidDataException>(() => ChatTemplate.ForModelDirectory(directory.Path));
        Assert.Contains(directory.File("config.json"), error.Message);
        Assert.Contains("model_type", error.Message);
    }

    [Fact]
    public void A_missing_or_malformed_config_is_an_error_naming_the_file()
    {
        using var empty = new TemporaryModelDirectory();
        var missing = Assert.Throws<FileNotFoundException>(() => ChatTemplate.ForModelDirectory(empty.Path));
        Assert.Contains(empty.File("config.json"), missing.Message);

        using var malformed = new TemporaryModelDirectory().WriteText("config.json", "{ \"model_type\": ");
        var invalid = Assert.Throws<InvalidDataException>(() => ChatTemplate.ForModelDirectory(malformed.Path));
        Assert.Contains(malformed.File("config.json"), invalid.Message);
    }

    [Fact]
    public void A_llama_directory_without_a_template_is_an_error_naming_the_file_and_field()
    {
        using var noField = Llama(new { bos_token = "<|begin_of_text|>" });
        var error = Assert.Throws<InvalidDataException>(() => ChatTemplate.ForModelDirectory(noField.Path));
        Assert.Contains(noField.File("tokenizer_config.json"), error.Message);
        Assert.Contains("chat_template", error.Message);

        using var noFile = Llama(null);
        var missing = Assert.Throws<FileNotFoundException>(() => ChatTemplate.ForModelDirectory(noFile.Path));
        Assert.Contains(noFile.File("tokenizer_config.json"), missing.Message);
    }

    [Theory]
    [InlineData("{{ bos_token }}{% set date_string = strftime_now('%d %b %Y') %}<|start_header_id|>Cutting Knowledge Date")]
    [InlineData("{{ bos_token }}{% for m in messages %}<start_of_turn>{{ m.content }}{% endfor %}")]
    public void A_llama_template_this_namespace_cannot_render_is_an_error_naming_the_field(string chatTemplate)
    {
        using var directory = Llama(new { chat_template = chatTemplate });
        var error = Assert.Throws<NotSupportedException>(() => ChatTemplate.ForModelDirectory(directory.Path));
        Assert.Contains(directory.File("tokenizer_config.json"), error.Message);
        Assert.Contains("chat_template", error.Message);
    }

    [Fact]
    public void A_gemma2_directory_with_a_foreign_template_is_an_error_naming_the_field()
    {
        using var directory = new TemporaryModelDirectory()
            .WriteJson("config.json", new { model_type = "gemma2" })
            .WriteJson("tokenizer_config.json", new { chat_template = Llama30TemplateText() });
        var error = Assert.Throws<NotSupportedException>(() => ChatTemplate.ForModelDirectory(directory.Path));
        Assert.Contains("chat_template", error.Message);
    }
}
