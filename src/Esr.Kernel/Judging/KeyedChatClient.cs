using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Esr.Kernel.Judging;

/// <summary>
/// A chat client of <see cref="JudgeBackends"/> that holds an API key: it takes the key out of every reply's text, so
/// an echoing server cannot get it into a verdict, a cache, a result file or the terminal, whoever the caller is; it
/// hands out its <see cref="SecretRedactor"/> for the error messages callers keep; and it disposes the HttpClient the
/// SDK was given.
/// </summary>
internal sealed class KeyedChatClient(IChatClient inner, HttpClient http, SecretRedactor redactor) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var text in response.Messages.SelectMany(m => m.Contents).OfType<TextContent>()) text.Text = redactor.Redact(text.Text);
        return response;
    }

    // Answered from the whole reply, so that a key split across two updates is still found.
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates()) yield return update;
    }

    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(SecretRedactor) ? redactor : base.GetService(serviceType, serviceKey);

    protected override void Dispose(bool disposing)
    {
        if (disposing) http.Dispose();
        base.Dispose(disposing);
    }
}
