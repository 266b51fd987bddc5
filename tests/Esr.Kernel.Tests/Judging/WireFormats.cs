using System.Text.Json;

namespace Esr.Kernel.Tests.Judging;

/// <summary>Replies in the OpenAI chat-completions and Anthropic Messages wire formats.</summary>
internal static class WireFormats
{
    public static string OpenAiCompletion(string content) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-test",
        @object = "chat.completion",
        created = 1_700_000_000,
        model = "test-model",
        choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
        usage = new { prompt_tokens = 10, completion_tokens = 20, total_tokens = 30 },
    });

    public static string AnthropicMessage(string text) => JsonSerializer.Serialize(new
    {
        id = "msg_test",
        type = "message",
        role = "assistant",
        model = "claude-haiku-4-5-20251001",
        content = new[] { new { type = "text", text } },
        stop_reason = "end_turn",
        stop_sequence = (string?)null,
        usage = new { input_tokens = 10, output_tokens = 20 },
    });

    public const string GoodReply =
        "The response answers directly.\n<json>\n{\"attempts\": [{\"attempt_text\": \"Pedals turn the chain.\", \"score\": 90}]}\n</json>";

    public const string TwoAttempts =
        "First drifted, second recovered. <json>{\"attempts\": [{\"attempt_text\": \"Cheese\", \"score\": \"5\"}, {\"attempt_text\": \"Wait, gears.\", \"score\": 80}]}</json>";
}
