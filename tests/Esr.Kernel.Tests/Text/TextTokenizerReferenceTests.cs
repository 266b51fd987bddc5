using Esr.Kernel.Text;

namespace Esr.Kernel.Tests.Text;

/// <summary>
/// Ids and texts compared with an independent implementation: the JavaScript tokenizers of @lenml/tokenizers (a
/// fork of transformers.js), reading the same tokenizer.json files, asked once for the whole class.
/// </summary>
public sealed class TextTokenizerReferenceTests(TextTokenizerReferenceTests.References references)
    : IClassFixture<TextTokenizerReferenceTests.References>
{
    public static IEnumerable<object[]> EncodeRows() => TokenizationCases.EncodeRows();

    [Theory]
    [MemberData(nameof(EncodeRows))]
    public void Encoding_matches_the_javascript_tokenizer(string tokenizer, int index, bool addSpecialTokens)
    {
        var text = TokenizationCases.Common[index];
        var expected = references.Encoded(tokenizer, index, addSpecialTokens);

        var ids = SharedTokenizers.Named(tokenizer).Encode(text, addSpecialTokens);

        Assert.Equal(expected, ids);
    }

    [Theory]
    [MemberData(nameof(EncodeRows))]
    public void Decoding_matches_the_javascript_tokenizer(string tokenizer, int index, bool skipSpecialTokens)
    {
        var ids = references.Encoded(tokenizer, index, addSpecialTokens: true);
        var expected = references.Decoded(tokenizer, index, skipSpecialTokens);

        var text = SharedTokenizers.Named(tokenizer).Decode(ids, skipSpecialTokens);

        Assert.Equal(expected, text);
    }

    [Fact]
    public void Without_special_tokens_nothing_is_added_even_where_the_file_adds_bos()
    {
        foreach (var tokenizer in TokenizationCases.Tokenizers)
        {
            for (var index = 0; index < TokenizationCases.Common.Length; index++)
            {
                var plain = references.Encoded(tokenizer, index, addSpecialTokens: false);
                var framed = references.Encoded(tokenizer, index, addSpecialTokens: true);
                // Both files' post-processors put one BOS in front: the reference agrees the plain ids lack it.
                Assert.Equal(framed[1..], plain);
            }
        }
    }

    /// <summary>Every reference answer the class needs, from one node run.</summary>
    public sealed class References
    {
        private readonly Dictionary<(string, int, bool), int[]> _encoded = [];
        private readonly Dictionary<(string, int, bool), string> _decoded = [];

        public References()
        {
            var reference = new NodeReference();
            var encodeAsks = new Dictionary<(string, int, bool), int>();
            var decodeAsks = new Dictionary<(string, int, bool), int>();
            foreach (var tokenizer in TokenizationCases.Tokenizers)
            {
                for (var index = 0; index < TokenizationCases.Common.Length; index++)
                {
                    foreach (var add in new[] { false, true })
                        encodeAsks[(tokenizer, index, add)] = reference.Encode(tokenizer, TokenizationCases.Common[index], add);
                    // Decoding is asked of the ids with special tokens, so that skipping has something to skip.
                    foreach (var skip in new[] { false, true })
                        decodeAsks[(tokenizer, index, skip)] = reference.DecodeEncoded(tokenizer, encodeAsks[(tokenizer, index, true)], skip);
                }
            }

            var answer = reference.Run();
            foreach (var (key, ask) in encodeAsks)
                _encoded[key] = answer.Encoded[ask];
            foreach (var (key, ask) in decodeAsks)
                _decoded[key] = answer.Decoded[ask];
        }

        public int[] Encoded(string tokenizer, int index, bool addSpecialTokens) =>
            _encoded[(tokenizer, index, addSpecialTokens)];

        public string Decoded(string tokenizer, int index, bool skipSpecialTokens) =>
            _decoded[(tokenizer, index, skipSpecialTokens)];
    }
}
