namespace Esr.Kernel.Judging;

/// <summary>
/// Reads every response body whole, but never more than <see cref="JudgeReplyLimit.MaxBytes"/>: a longer body (by its
/// Content-Length or by what arrives) throws <see cref="JudgeReplyTooLargeException"/>, which no retry repeats.
/// </summary>
internal sealed class ReplySizeLimitHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            if (response.Content.Headers.ContentLength > JudgeReplyLimit.MaxBytes) throw new JudgeReplyTooLargeException();
            var body = new MemoryStream();
            var chunk = new byte[81_920];
            await using (var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false))
            {
                int read;
                while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (body.Length + read > JudgeReplyLimit.MaxBytes) throw new JudgeReplyTooLargeException();
                    body.Write(chunk, 0, read);
                }
            }
            var bounded = new ByteArrayContent(body.GetBuffer(), 0, (int)body.Length);
            foreach (var (name, values) in response.Content.Headers) bounded.Headers.TryAddWithoutValidation(name, values);
            response.Content.Dispose();
            response.Content = bounded;
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
