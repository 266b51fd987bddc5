using System.Threading.Channels;
using Esr.Kernel.Generation;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>
/// Lets many concurrent callers (calibrations of several latents, trial batches) share one model: requests queue,
/// and one loop runs whatever is queued as one batch of up to <see cref="BatchFrame.Rows"/> rows, while the next
/// requests gather. Every batch runs in the run's one frame and each row has its own seed and interventions, so
/// which rows end up together (a matter of timing) changes speed, not results.
/// </summary>
internal sealed class CoalescingGenerator : IAsyncDisposable
{
    private sealed record Request(GenerationJob Job, TaskCompletionSource<string> Result);

    private readonly ITrialGenerator _inner;
    private readonly BatchFrame _frame;
    private readonly Channel<Request> _queue = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationToken _cancellationToken;
    private readonly Task _loop;

    public CoalescingGenerator(ITrialGenerator inner, BatchFrame frame, CancellationToken cancellationToken)
    {
        _inner = inner;
        _frame = frame;
        _cancellationToken = cancellationToken;
        _loop = Task.Run(LoopAsync, CancellationToken.None);
    }

    /// <summary>The responses of <paramref name="jobs"/>, in order (they may be split over batches, or joined with others).</summary>
    public async Task<IReadOnlyList<string>> GenerateAsync(IReadOnlyList<GenerationJob> jobs)
    {
        var requests = jobs.Select(job => new Request(job, new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously))).ToArray();
        foreach (var request in requests)
        {
            if (!_queue.Writer.TryWrite(request)) request.Result.TrySetCanceled(_cancellationToken);
        }
        return await Task.WhenAll(requests.Select(r => r.Result.Task)).ConfigureAwait(false);
    }

    private async Task LoopAsync()
    {
        var batch = new List<Request>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_cancellationToken).ConfigureAwait(false))
            {
                while (batch.Count < _frame.Rows && _queue.Reader.TryRead(out var request)) batch.Add(request);
                try
                {
                    var responses = _inner.Generate(batch.Select(r => r.Job).ToArray(), _frame, _cancellationToken);
                    for (var i = 0; i < batch.Count; i++) batch[i].Result.TrySetResult(responses[i]);
                }
                catch (Exception e)
                {
                    foreach (var request in batch) request.Result.TrySetException(e);
                    if (e is OperationCanceledException) throw;
                }
                batch.Clear();
            }
        }
        catch (OperationCanceledException)
        {
            foreach (var request in batch) request.Result.TrySetCanceled(_cancellationToken);
        }
        // Whatever is still queued will never run.
        _queue.Writer.TryComplete();
        while (_queue.Reader.TryRead(out var left)) left.Result.TrySetCanceled(_cancellationToken);
    }

    /// <summary>Stops the loop after the queued requests ran.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }
}
