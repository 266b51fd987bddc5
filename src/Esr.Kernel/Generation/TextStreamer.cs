using Esr.Kernel.Text;

namespace Esr.Kernel.Generation;

/// <summary>
/// Hands out a completion's text while it grows: after each token the whole id list is decoded and only the new
/// suffix is passed on. Decoding the whole list (not token by token) keeps multi-token characters and the decoder's
/// spacing right; a trailing U+FFFD (a character whose bytes have not all arrived) is held back until it completes.
/// The pieces handed out, followed by what <see cref="Finish"/> hands out, concatenate to the final text as long as
/// decoding more ids never rewrites earlier text (true of byte-level BPE and the toy world's word-level tokenizer).
/// </summary>
/// <param name="tokenizer">Decodes the ids.</param>
/// <param name="onText">Receives each new piece of text.</param>
public sealed class TextStreamer(TextTokenizer tokenizer, Action<string> onText)
{
    private const char Incomplete = '\uFFFD';
    private readonly List<int> _ids = [];
    private string _written = "";

    /// <summary>Takes the next generated token and hands out whatever text it settles.</summary>
    public void Add(int tokenId)
    {
        _ids.Add(tokenId);
        var text = tokenizer.Decode(_ids).TrimEnd(Incomplete);
        // Should decoding ever rewrite text already handed out, wait: later tokens may restore the prefix.
        if (text.Length > _written.Length && text.StartsWith(_written, StringComparison.Ordinal)) Emit(text, _written.Length);
    }

    /// <summary>
    /// Hands out what is left of the final text, held-back characters included (text already handed out cannot be
    /// taken back: should the final text differ from it, everything after the common prefix is handed out).
    /// </summary>
    public void Finish(string completion)
    {
        var common = 0;
        var limit = Math.Min(completion.Length, _written.Length);
        while (common < limit && completion[common] == _written[common]) common++;
        if (common < completion.Length) Emit(completion, common);
    }

    private void Emit(string text, int from)
    {
        onText(text[from..]);
        _written = text;
    }
}
