using Microsoft.Extensions.AI;

namespace Esr.Kernel.Experiments.Episodes;

/// <summary>
/// Asks an LLM where each episode's response goes off-topic, corrects itself and returns on-topic (ESR_SPEC §7.2
/// step 3; the paper used Claude Sonnet 4.5, 1 024 output tokens, 20 calls at once). The prompt is this project's
/// wording of the structure the spec describes; <see cref="SystemPrompt"/> and <see cref="UserTemplate"/> can be
/// replaced (the template's <c>{prompt}</c> and <c>{response}</c> are filled in).
/// </summary>
public sealed class BoundaryAnnotator(IChatClient client, string? modelId = null, int maxConcurrency = 20, int maxOutputTokens = 1024) : IBoundaryAnnotator
{
    /// <summary>The default system message.</summary>
    public const string DefaultSystemPrompt =
        "You study how language models correct themselves. In the responses you will see, the model usually drifts "
        + "to an unrelated subject, then says something that marks a correction, then goes back to answering the "
        + "question it was asked.";

    /// <summary>The default user message; <c>{prompt}</c> and <c>{response}</c> are replaced.</summary>
    public const string DefaultUserTemplate =
        "Here is a question and a model's response to it.\n\nQUESTION:\n{prompt}\n\nRESPONSE:\n{response}\n\n"
        + "Give three 0-indexed character positions in RESPONSE:\n"
        + "- OFF_TOPIC_START: where the unrelated content begins (often 0);\n"
        + "- CORRECTION_START: where the model starts to correct itself, at cues such as \"Wait\", \"Actually\", "
        + "\"I made a mistake\", \"Let me try again\", \"I apologize\" or \"To actually answer your question\";\n"
        + "- ON_TOPIC_START: where the answer to the question resumes.\n"
        + "They must satisfy OFF_TOPIC_START <= CORRECTION_START <= ON_TOPIC_START. If the structure is unclear, use -1 "
        + "for all three. Reply with a fenced json block only:\n"
        + "```json\n{\"off_topic_char_start\": 0, \"correction_char_start\": 0, \"on_topic_char_start\": 0, "
        + "\"correction_phrase\": \"...\", \"notes\": \"...\"}\n```";

    /// <summary>The system message sent.</summary>
    public string SystemPrompt { get; init; } = DefaultSystemPrompt;

    /// <summary>The user message template sent.</summary>
    public string UserTemplate { get; init; } = DefaultUserTemplate;

    /// <inheritdoc />
    /// <remarks>A failed call becomes an invalid annotation with its error; only cancellation throws.</remarks>
    public async Task<IReadOnlyList<BoundaryAnnotation>> AnnotateAsync(IReadOnlyList<Episode> episodes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        using var gate = new SemaphoreSlim(Math.Max(1, maxConcurrency));
        return await Task.WhenAll(episodes.Select(async episode =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await AnnotateAsync(episode, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        })).ConfigureAwait(false);
    }

    private async Task<BoundaryAnnotation> AnnotateAsync(Episode episode, CancellationToken cancellationToken)
    {
        var user = UserTemplate.Replace("{prompt}", episode.Trial.Prompt, StringComparison.Ordinal)
            .Replace("{response}", episode.Trial.Response, StringComparison.Ordinal);
        try
        {
            var reply = await client.GetResponseAsync(
                [new ChatMessage(ChatRole.System, SystemPrompt), new ChatMessage(ChatRole.User, user)],
                new ChatOptions { MaxOutputTokens = maxOutputTokens, ModelId = modelId }, cancellationToken).ConfigureAwait(false);
            return BoundaryAnnotationParser.Parse(reply.Text, episode.Trial.Response.Length);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            return BoundaryAnnotation.Failed(null, $"{e.GetType().Name}: {Judging.SecretRedactor.For(client).Redact(e.Message)}");
        }
    }
}
