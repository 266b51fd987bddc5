using Esr.Kernel.Text;

namespace Esr.Cli;

/// <summary>
/// Prints a completion while it grows: after each token the whole id list is decoded and only the new suffix is
/// written. Decoding the whole list (not token by token) keeps multi-token characters and the decoder's spacing
/// rules right; a trailing U+FFFD (a character whose bytes have not all arrived) is held back until it completes.
/// </summary>
internal sealed class CompletionStreamer(TextTokenizer tokenizer, TextWriter output)
{
    private const char Incomplete = '\uFFFD';
    private readonly List<int> _ids = [];
    private string _written = "";

    /// <summary>Takes the next generated token and writes whatever text it settles.</summary>
    public void Add(int tokenId)
    {
        _ids.Add(tokenId);
        var text = tokenizer.Decode(_ids).TrimEnd(Incomplete);
        // Should decoding ever rewrite text already written, wait: later tokens may restore the prefix.
        if (text.Length > _written.Length && text.StartsWith(_written, StringComparison.Ordinal)) Write(text);
    }

    /// <summary>Writes what is left of the final text, held-back characters included.</summary>
    public void Finish(string completion)
    {
        // Text already written cannot be taken back; if the final text differs, add everything after the common prefix.
        var common = 0;
        var limit = Math.Min(completion.Length, _written.Length);
        while (common < limit && completion[common] == _written[common]) common++;
        if (common < completion.Length) output.Write(completion.AsSpan(common));
        output.Flush();
        _written = completion;
    }

    private void Write(string text)
    {
        output.Write(text.AsSpan(_written.Length));
        output.Flush();
        _written = text;
    }
}
