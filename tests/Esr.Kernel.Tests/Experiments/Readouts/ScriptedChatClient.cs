using Microsoft.Extensions.AI;

namespace Esr.Kernel.Tests.Experiments.Readouts;

/// <summary>A chat client whose reply is a function of the user message; records the messages and options it got.</summary>
internal sealed class ScriptedChatClient(Func<string, string> reply) : IChatClient
{
    private readonly List<(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options)> _calls = [];

    public IReadOnlyList<(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options)> Calls
    {
        get
        {
            lock (_calls) return _calls.ToList();
        }
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        lock (_calls) _calls.Add((list, options));
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, reply(list.Last().Text))));
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
