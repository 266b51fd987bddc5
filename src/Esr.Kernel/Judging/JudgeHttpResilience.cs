using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Esr.Kernel.Judging;

/// <summary>
/// The retry and timeout policy of every judge backend, as a Polly 8 pipeline run inside the HttpClient handler
/// chain: exponential backoff with jitter on 429, 408, 5xx, connection failures and per-attempt timeouts, honouring
/// a Retry-After header (seconds or a date) up to <see cref="JudgeClientOptions.RetryMaxDelay"/>.
/// </summary>
/// <remarks>
/// The policy lives at the HTTP layer because that is the one place where status codes and Retry-After headers look
/// the same for every SDK (the OpenAI and Anthropic SDKs raise different exception types); the SDKs' own retries are
/// switched off so exactly one policy runs. Polly is Microsoft's resilience stack (it backs
/// Microsoft.Extensions.Http.Resilience) and its retry, backoff, jitter and timeout strategies are tested code,
/// unlike a hand-written loop.
/// </remarks>
public static class JudgeHttpResilience
{
    /// <summary>The pipeline for the given options.</summary>
    public static ResiliencePipeline<HttpResponseMessage> CreatePipeline(JudgeClientOptions options, ILogger? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        logger ??= NullLogger.Instance;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time ?? TimeProvider.System };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => IsTransient(r.StatusCode)),
                DelayGenerator = args =>
                {
                    var asked = args.Outcome.Result is { } response ? RetryAfter(response, time ?? TimeProvider.System) : null;
                    return ValueTask.FromResult(asked is { } d ? (TimeSpan?)(d < options.RetryMaxDelay ? d : options.RetryMaxDelay) : null);
                },
                OnRetry = args =>
                {
                    var what = args.Outcome.Result is { } r ? $"HTTP {(int)r.StatusCode}" : args.Outcome.Exception?.GetType().Name ?? "failure";
                    logger.LogWarning("Judge request failed ({What}); retry {Attempt} of {Max} in {Delay} ms",
                        what, args.AttemptNumber + 1, options.MaxRetries, (long)args.RetryDelay.TotalMilliseconds);
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            });
        }
        builder.AddTimeout(options.RequestTimeout);
        return builder.Build();
    }

    /// <summary>
    /// An HttpClient whose every request runs through the pipeline, each attempt reading its response body whole up to
    /// <see cref="JudgeReplyLimit.MaxBytes"/> (a longer one fails the call, unretried); its own timeout is off (the
    /// pipeline's rules, which so also bound the body's reading).
    /// </summary>
    public static HttpClient CreateHttpClient(JudgeClientOptions options, ILogger? logger = null, HttpMessageHandler? inner = null) =>
        new(new Handler(CreatePipeline(options, logger)) { InnerHandler = new ReplySizeLimitHandler { InnerHandler = inner ?? new SocketsHttpHandler() } })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };

    /// <summary>429, 408 and every 5xx are worth another try.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)status >= 500;

    private static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }

    private sealed class Handler(ResiliencePipeline<HttpResponseMessage> pipeline) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // Buffer the body once so every attempt can resend it.
            if (request.Content is { } content) await content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            return await pipeline.ExecuteAsync(
                static async (state, token) => await state.Self.SendOnceAsync(state.Request, token).ConfigureAwait(false),
                (Self: this, Request: request), cancellationToken).ConfigureAwait(false);
        }

        private Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken token) =>
            base.SendAsync(request, token);
    }
}
