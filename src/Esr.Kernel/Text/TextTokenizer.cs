using Tokenizers.DotNet;

namespace Esr.Kernel.Text;

/// <summary>
/// A Hugging Face tokenizer (tokenizer.json) run by the Hugging Face tokenizers library itself, through
/// Tokenizers.DotNet. Encoding and decoding give the ids and text that <c>transformers</c> gives for the same file.
/// </summary>
/// <remarks>
/// <para>Special-token strings written in the text (for example <c>&lt;|eot_id|&gt;</c> or
/// <c>&lt;start_of_turn&gt;</c>) always map to their ids, as in Hugging Face; this is how rendered chat templates
/// become ids.</para>
/// <para>Every member is safe to call from several threads at once and keeps no state between calls, so
/// <see cref="Decode"/> can be called on a growing id list while streaming. A prefix that ends inside a multi-byte
/// character decodes with a trailing U+FFFD; a streaming caller holds such text back until the next id
/// completes it.</para>
/// <para>Why this library and how its fixed encode/decode options are worked around: docs/decisions/tokenizer.md.</para>
/// </remarks>
public sealed class TextTokenizer : IDisposable
{
    private readonly TokenizerJsonFile _file;
    private readonly Tokenizer _plain; // no post-processor, nothing special: plain encode, decode of every id
    private readonly Lazy<Tokenizer> _withPostProcessor; // only built if someone asks for special tokens
    private int _disposed;

    private TextTokenizer(TokenizerJsonFile file, Tokenizer plain)
    {
        _file = file;
        _plain = plain;
        _withPostProcessor = new Lazy<Tokenizer>(() => _file.LoadNative(TokenizerJsonFile.Variant.WithPostProcessor),
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The tokenizer.json this tokenizer was loaded from.</summary>
    public string SourcePath => _file.Path;

    /// <summary>
    /// One more than the largest token id (model vocabulary and added tokens together): the number of rows an
    /// embedding matrix for this tokenizer needs. 128,256 for Llama-3, 256,000 for Gemma-2.
    /// </summary>
    public int VocabularySize => _file.TokensById.Length;

    /// <summary>
    /// Ids of the added tokens that the file marks special (BOS, EOS, chat markers...): the ones
    /// <see cref="Decode"/> leaves out when asked to skip special tokens.
    /// </summary>
    public IReadOnlySet<int> SpecialTokenIds => _file.SpecialIds;

    /// <summary>Loads a tokenizer.json, or the tokenizer.json inside a model directory.</summary>
    /// <param name="tokenizerJsonOrModelDirectory">A tokenizer.json file, or a directory that holds one.</param>
    /// <exception cref="FileNotFoundException">There is no such file (the message names the path).</exception>
    /// <exception cref="InvalidDataException">The file is not a tokenizer.json the library can load.</exception>
    public static TextTokenizer Load(string tokenizerJsonOrModelDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenizerJsonOrModelDirectory);
        var path = tokenizerJsonOrModelDirectory;
        if (Directory.Exists(path))
        {
            path = Path.Combine(path, "tokenizer.json");
            if (!File.Exists(path))
                throw new FileNotFoundException(
                    $"The model directory '{tokenizerJsonOrModelDirectory}' has no tokenizer.json (looked for '{path}').",
                    path);
        }
        else if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No tokenizer file or model directory at '{path}'.", path);
        }

        var (file, plain) = TokenizerJsonFile.Open(Path.GetFullPath(path));
        return new TextTokenizer(file, plain);
    }

    /// <summary>Turns text into token ids.</summary>
    /// <param name="text">The text; special-token strings in it become their ids.</param>
    /// <param name="addSpecialTokens">
    /// False (the default): nothing is added, as Hugging Face's <c>add_special_tokens=False</c>; use this for
    /// rendered chat templates, which already hold their BOS. True: the file's post-processor adds what it
    /// specifies (for example BOS for Llama-3.1 and Gemma-2).
    /// </param>
    /// <exception cref="ArgumentException">The text holds a lone UTF-16 surrogate.</exception>
    public int[] Encode(string text, bool addSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        ThrowIfDisposed();
        RequireWellFormed(text);
        var native = addSpecialTokens ? _withPostProcessor.Value : _plain;
        var ids = native.Encode(text);
        var result = new int[ids.Length];
        for (var i = 0; i < ids.Length; i++)
            result[i] = checked((int)ids[i]);
        return result;
    }

    /// <summary>Each token decoded on its own with special tokens kept (the paper's token strings; what readouts show per token).</summary>
    public IReadOnlyList<string> TokenTexts(IReadOnlyList<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return ids.Select(id => Decode([id], skipSpecialTokens: false)).ToArray();
    }

    /// <summary>Turns token ids back into text.</summary>
    /// <param name="ids">Token ids, each below <see cref="VocabularySize"/>.</param>
    /// <param name="skipSpecialTokens">
    /// True (the default): tokens in <see cref="SpecialTokenIds"/> are left out, as Hugging Face's
    /// <c>skip_special_tokens=True</c> (and vLLM's returned text). False: they are written out as their strings.
    /// </param>
    /// <remarks>
    /// No <c>clean_up_tokenization_spaces</c> step is applied: the text is what the tokenizer's decoder gives,
    /// as vLLM returns it.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">An id is not a token of this tokenizer.</exception>
    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ThrowIfDisposed();
        var kept = new uint[ids.Count];
        var count = 0;
        for (var i = 0; i < ids.Count; i++)
        {
            var id = ids[i];
            if (IdToToken(id) is null)
                throw new ArgumentOutOfRangeException(nameof(ids), id,
                    $"Token id {id} (position {i}) is not in the vocabulary of '{SourcePath}' ({VocabularySize} ids).");
            if (skipSpecialTokens && _file.SpecialIds.Contains(id))
                continue;
            kept[count++] = (uint)id;
        }
        return _plain.Decode(count == kept.Length ? kept : kept[..count]);
    }

    /// <summary>The id of a token, written as in the vocabulary (byte-level form for Llama-3, e.g. "Ġthe").</summary>
    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _file.IdsByToken.TryGetValue(token, out var id) ? id : null;
    }

    /// <summary>The vocabulary entry for an id, or null if no token has that id.</summary>
    public string? IdToToken(int id) =>
        id >= 0 && id < _file.TokensById.Length ? _file.TokensById[id] : null;

    /// <summary>Releases the native tokenizers. Do not call while another thread still uses this instance.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _plain.Dispose();
        if (_withPostProcessor.IsValueCreated)
            _withPostProcessor.Value.Dispose();
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    private static void RequireWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            else if (char.IsSurrogate(text[i]))
                throw new ArgumentException(
                    $"The text holds a lone UTF-16 surrogate at index {i}; it cannot be encoded as UTF-8.",
                    nameof(text));
        }
    }
}
