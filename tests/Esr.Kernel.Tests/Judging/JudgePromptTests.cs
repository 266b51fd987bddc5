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
    public void The_default_example_gives_the_second_attempt_as_only_the_answer_after_the_restart_cue()
    {
        var text = JudgePrompt.Default.Instructions;
        Assert.Contains("\"Apple! No, wait! Orange\"", text);
        Assert.Contains("{\"attempt_text\": \"Orange\", \"score\": 0}", text);
        Assert.DoesNotContain("\"attempt_text\": \"No, wait! Orange\"", text);
    }

    [Fact]
    public void The_default_names_the_literal_no_attempt_reply_and_closes_requiring_the_tags_as_in_the_example()
    {
        var text = JudgePrompt.Default.Instructions;
        Assert.Contains("{\"attempts\": []}", text);
        var closing = text.Split('\n').Last(line => line.Trim().Length > 0);
        Assert.Contains("<json></json>", closing);
        Assert.Contains("must", closing);
        Assert.Contains("exactly as in the example", closing);
    }

    [Fact]
    public void The_sha256_covers_both_texts_and_the_version_is_its_first_16_digits()
    {
        var prompt = new JudgePrompt("S", "I");
        Assert.Matches("^[0-9a-f]{64}$", prompt.Sha256);
        Assert.Equal(prompt.Sha256[..16], prompt.Version);
        Assert.NotEqual(prompt.Sha256, new JudgePrompt("S", "J").Sha256);
        Assert.NotEqual(prompt.Sha256, new JudgePrompt("SI", "").Sha256);
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
