namespace Esr.Kernel.Text;

/// <summary>One turn of a conversation, as given to a chat template.</summary>
/// <param name="Role">"system", "user" or "assistant" (templates may accept others, see each template).</param>
/// <param name="Content">The turn's text.</param>
public sealed record ChatMessage(string Role, string Content)
{
    /// <summary>A system turn.</summary>
    public static ChatMessage System(string content) => new("system", content);

    /// <summary>A user turn.</summary>
    public static ChatMessage User(string content) => new("user", content);

    /// <summary>An assistant turn.</summary>
    public static ChatMessage Assistant(string content) => new("assistant", content);
}
