using Microsoft.Extensions.AI;

namespace Esr.Kernel.Judging;

/// <summary>
/// The limits every call to a judging model passes through: a concurrency semaphore, a client-side rate limit (a
/// global lock spacing call starts) and an overall budget per call, retries included. Shared by the judge and the
/// concreteness grader so both honour <see cref="JudgeClientOptions"/> the same way.
/// </summary>
internal sealed class ChatCallGate : IDisposable
{
    private readonly SemaphoreSlim _concurrency;
    private readonly RateGate _rate;
    private readonly TimeSpan _budget;

    public ChatCallGate(JudgeClientOptions options, TimeProvider? time)
    {
        if (options.MaxConcurrency < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxConcurrency must be at least 1.");
        _concurrency = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        _rate = new RateGate(options.MaxCallsPerSecond, time ?? TimeProvider.System);
        _budget = options.TotalTimeout;
    }

    /// <summary>Sends one request within the limits.</summary>
    /// <exception cref="BudgetExceededException">No reply within the budget (the caller's token was not cancelled).</exception>
    public async Task<ChatResponse> SendAsync(
        IChatClient client, IEnumerable<ChatMessage> messages, ChatOptions options, CancellationToken cancellationToken)
    {
        await _concurrency.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _rate.WaitAsync(cancellationToken).ConfigureAwait(false);
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            budget.CancelAfter(_budget);
            try
            {
                return await client.GetResponseAsync(messages, options, budget.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new BudgetExceededException($"No reply within {_budget.TotalSeconds:0.#} s");
            }
        }
        finally
        {
            _concurrency.Release();
        }
    }

    public void Dispose() => _concurrency.Dispose();

    /// <summary>The call's overall budget ran out (told apart from timeouts raised by the HTTP layer).</summary>
    public sealed class BudgetExceededException(string message) : TimeoutException(message);
}
