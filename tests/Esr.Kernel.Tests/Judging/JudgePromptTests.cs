using Esr.Kernel.Judging;

namespace Esr.Kernel.Tests.Judging;

public class JudgePromptTests
{
    [Fact]
    public void User_message_is_instructions_a_blank_line_then_three_labelled_lines()
    {
        var prompt = new JudgePrompt("sys", "Do this.");
        var message = prompt.UserMessage(new JudgeRequest("How do I bake bread?", "Knead it.", "dogs"));
        Assert.Equal("Do this.\n\nPrompt: How do I bake bread?\nResponse: Knead it.\nUnrelated feature: dogs", message);
    }

    [Fact]
    public void Default_instructions_ask_for_tagged_json_attempts_and_explicit_restarts()
    {
        var text = JudgePrompt.Default.Instructions;
        Assert.Contains("\"attempts\"", text);
        Assert.Contains("<json></json>", text);
        Assert.Contains("Let me try again.", text);
        Assert.Contains("empty \"attempts\" list", text);
    }

    [Fact]
    public void An_override_file_replaces_both_texts_and_changes_the_version()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """{"system": "S", "instructions": "I"}""");
            var loaded = JudgePrompt.Load(path);
            Assert.Equal(new JudgePrompt("S", "I"), loaded);
            Assert.NotEqual(JudgePrompt.Default.Version, loaded.Version);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void An_override_file_missing_a_text_is_rejected()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """{"system": "S"}""");
            Assert.Throws<InvalidDataException>(() => JudgePrompt.Load(path));
        }
        finally { File.Delete(path); }
    }
}
