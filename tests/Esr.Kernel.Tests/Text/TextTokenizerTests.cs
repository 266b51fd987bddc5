using Esr.Kernel.Text;

namespace Esr.Kernel.Tests.Text;

/// <summary>
/// The tokenizer's contract on the real Llama-3 and Gemma-2 files. Expected ids come from PLATFORM.md's anchors,
/// from llama.cpp's test vectors (produced by transformers) and from the JavaScript reference
/// (<see cref="TextTokenizerReferenceTests"/>); here only facts readable from the files themselves are asserted.
/// </summary>
public sealed class TextTokenizerTests
{
    private static TextTokenizer Llama => SharedTokenizers.Llama3Instruct;
    private static TextTokenizer Gemma => SharedTokenizers.Gemma2;

    [Fact]
    public void Llama_encodes_the_platform_anchor_sentence()
    {
        Assert.Equal([849, 21435, 1268, 264, 36086, 4375, 13], Llama.Encode("Explain how a bicycle works."));
    }

    [Fact]
    public void Gemma_encodes_the_platform_anchor_sentence()
    {
        Assert.Equal([74198, 1368, 476, 34334, 3598, 235265], Gemma.Encode("Explain how a bicycle works."));
    }

    [Fact]
    public void Special_tokens_are_added_only_when_asked_for()
    {
        Assert.Equal([128000, 849, 21435, 1268, 264, 36086, 4375, 13],
            Llama.Encode("Explain how a bicycle works.", addSpecialTokens: true));
        Assert.Equal([2, 74198, 1368, 476, 34334, 3598, 235265],
            Gemma.Encode("Explain how a bicycle works.", addSpecialTokens: true));
        Assert.Empty(Llama.Encode(""));
        Assert.Equal([2], Gemma.Encode("", addSpecialTokens: true));
    }

    [Fact]
    public void Llama_matches_the_ids_transformers_gave_for_llama_cpps_test_texts()
    {
        // Produced by transformers from Meta-Llama-3-8B with add_special_tokens=False; its vocabulary and
        // pre-tokenizer are those of the instruct file used here.
        var (inputs, outputs) = ReferenceFiles.Llama3VocabularyTestVectors;
        var texts = File.ReadAllText(inputs).Split("\n__ggml_vocab_test__\n")[..^1];
        var expected = File.ReadAllLines(outputs)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray())
            .ToArray();
        Assert.Equal(expected.Length, texts.Length);
        Assert.True(texts.Length > 40, $"only {texts.Length} test texts");

        for (var i = 0; i < texts.Length; i++)
            Assert.True(expected[i].SequenceEqual(Llama.Encode(texts[i])),
                $"test text {i} ({texts[i]}) encodes differently");
    }

    [Fact]
    public void Special_token_strings_in_the_text_map_to_their_ids()
    {
        Assert.Equal([128006, 78191, 128007, 271], Llama.Encode("<|start_header_id|>assistant<|end_header_id|>\n\n"));
        Assert.Equal([128009], Llama.Encode("<|eot_id|>"));
        Assert.Equal([2, 106, 2516, 108], Gemma.Encode("<bos><start_of_turn>model\n"));
        Assert.Equal([107], Gemma.Encode("<end_of_turn>"));
    }

    [Fact]
    public void Gemma_falls_back_to_byte_tokens_for_characters_outside_its_vocabulary()
    {
        // U+10FFFD is F4 8F BF BD in UTF-8; Gemma's byte tokens <0x00>..<0xFF> are ids 217..472.
        Assert.Null(Gemma.TokenToId("\U0010FFFD"));
        Assert.Equal([217 + 0xF4, 217 + 0x8F, 217 + 0xBF, 217 + 0xBD], Gemma.Encode("\U0010FFFD"));
        Assert.Equal("<0xF4>", Gemma.IdToToken(217 + 0xF4));
        Assert.Equal("\U0010FFFD", Gemma.Decode(Gemma.Encode("\U0010FFFD")));
    }

    [Theory]
    [InlineData(NodeReference.Llama3Instruct)]
    [InlineData(NodeReference.Gemma2)]
    public void Decoding_the_encoding_gives_the_text_back(string tokenizer)
    {
        var subject = SharedTokenizers.Named(tokenizer);
        foreach (var text in TokenizationCases.Common)
            Assert.Equal(text, subject.Decode(subject.Encode(text), skipSpecialTokens: false));
    }

    [Fact]
    public void Skipping_special_tokens_leaves_out_exactly_the_special_ones()
    {
        int[] ids = [128000, 128006, 882, 128007, 271, 13347, 0, 128009];
        Assert.Equal("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|>",
            Llama.Decode(ids, skipSpecialTokens: false));
        Assert.Equal("user\n\nHi!", Llama.Decode(ids));

        // <unused3> is an added token that the file does not mark special: it stays.
        var gemmaIds = Gemma.Encode("<bos><start_of_turn>user\nHi<unused3><end_of_turn>\n");
        Assert.Equal("user\nHi<unused3>\n", Gemma.Decode(gemmaIds));
    }

    [Fact]
    public void Special_token_ids_are_the_added_tokens_marked_special()
    {
        Assert.Equal(Enumerable.Range(128000, 256), Llama.SpecialTokenIds.Order());
        Assert.Equal([0, 1, 2, 3, 106, 107], Gemma.SpecialTokenIds.Order());
    }

    [Fact]
    public void Vocabulary_lookups_follow_the_file()
    {
        Assert.Equal(128256, Llama.VocabularySize);
        Assert.Equal(256000, Gemma.VocabularySize);
        Assert.Equal(78191, Llama.TokenToId("assistant"));
        Assert.Equal(128009, Llama.TokenToId("<|eot_id|>"));
        Assert.Equal("Ġbicycle", Llama.IdToToken(36086));
        Assert.Equal("<end_of_turn>", Gemma.IdToToken(107));
        Assert.Equal(107, Gemma.TokenToId("<end_of_turn>"));
        Assert.Null(Llama.TokenToId("no such token"));
        Assert.Null(Llama.IdToToken(-1));
        Assert.Null(Llama.IdToToken(128256));
    }

    [Fact]
    public void Decoding_a_growing_id_list_is_stable_for_streaming()
    {
        foreach (var tokenizer in new[] { Llama, Gemma })
        {
            const string text = "Ride 🚲👩‍👩‍👧 to 東京 and back.";
            var ids = tokenizer.Encode(text);
            for (var length = 0; length <= ids.Length; length++)
            {
                var prefix = tokenizer.Decode(ids[..length]);
                Assert.Equal(prefix, tokenizer.Decode(ids[..length])); // no state kept between calls
                // A prefix is the start of the text, except for a character still cut in the middle.
                Assert.True(text.StartsWith(prefix, StringComparison.Ordinal) ||
                            text.StartsWith(prefix.TrimEnd('\uFFFD'), StringComparison.Ordinal),
                    $"prefix of {length} ids decodes to '{prefix}'");
            }
            Assert.Equal(text, tokenizer.Decode(ids));
        }
    }

    [Fact]
    public void Encoding_and_decoding_from_many_threads_at_once_agree_with_one_thread()
    {
        var texts = TokenizationCases.Common;
        var expected = texts.Select(t => Llama.Encode(t)).ToArray();
        var results = new int[texts.Length * 8][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            results[i] = Llama.Encode(texts[i % texts.Length]);
            Assert.Equal(texts[i % texts.Length], Llama.Decode(results[i], skipSpecialTokens: false));
        });
        for (var i = 0; i < results.Length; i++)
            Assert.Equal(expected[i % texts.Length], results[i]);
    }

    [Fact]
    public void Ids_outside_the_vocabulary_are_rejected_when_decoding()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Llama.Decode([13, 128256]));
        Assert.Contains("128256", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemma.Decode([-1]));
    }

    [Fact]
    public void A_lone_surrogate_is_rejected_with_a_clear_message()
    {
        var error = Assert.Throws<ArgumentException>(() => Llama.Encode("bad \uD83D here"));
        Assert.Contains("surrogate", error.Message);
    }

    [Fact]
    public void A_model_directory_loads_its_tokenizer_json()
    {
        using var directory = new TemporaryModelDirectory().WriteText("tokenizer.json", TinyTokenizers.WordLevelWithFraming);
        using var tokenizer = TextTokenizer.Load(directory.Path);

        Assert.Equal(directory.File("tokenizer.json"), tokenizer.SourcePath);
        Assert.Equal([2, 3], tokenizer.Encode("hello world"));
    }

    [Fact]
    public void The_files_own_post_processor_frames_the_text_only_when_asked_for()
    {
        using var directory = new TemporaryModelDirectory().WriteText("tokenizer.json", TinyTokenizers.WordLevelWithFraming);
        using var tokenizer = TextTokenizer.Load(directory.File("tokenizer.json"));

        Assert.Equal([2, 3, 4], tokenizer.Encode("hello world again"));
        Assert.Equal([0, 2, 3, 1], tokenizer.Encode("hello world", addSpecialTokens: true));
        Assert.Equal([0, 1], tokenizer.Encode("", addSpecialTokens: true));
        Assert.Equal([5, 2], tokenizer.Encode("<turn>hello"));
        Assert.Equal("<s> hello <turn> world </s>", tokenizer.Decode([0, 2, 5, 3, 1], skipSpecialTokens: false));
        Assert.Equal("hello <turn> world", tokenizer.Decode([0, 2, 5, 3, 1]));
        Assert.Equal([0, 1], tokenizer.SpecialTokenIds.Order());
        Assert.Equal(6, tokenizer.VocabularySize);
    }

    [Fact]
    public void A_unigram_vocabulary_is_read_by_position()
    {
        using var directory = new TemporaryModelDirectory().WriteText("tokenizer.json", TinyTokenizers.Unigram);
        using var tokenizer = TextTokenizer.Load(directory.Path);

        Assert.Equal([1, 2], tokenizer.Encode("hi there"));
        Assert.Equal("▁there", tokenizer.IdToToken(2));
        Assert.Equal(5, tokenizer.TokenToId("i"));
        Assert.Equal("hi there", tokenizer.Decode([1, 2]));
    }

    [Fact]
    public void A_missing_file_is_an_error_naming_the_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"esr-no-such-{Guid.NewGuid():N}", "tokenizer.json");
        var error = Assert.Throws<FileNotFoundException>(() => TextTokenizer.Load(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void A_directory_without_tokenizer_json_is_an_error_naming_the_file()
    {
        using var directory = new TemporaryModelDirectory().WriteJson("config.json", new { model_type = "llama" });
        var error = Assert.Throws<FileNotFoundException>(() => TextTokenizer.Load(directory.Path));
        Assert.Contains(directory.File("tokenizer.json"), error.Message);
    }

    [Theory]
    [InlineData("this is not JSON")]
    [InlineData("{\"version\": \"1.0\"}")]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [\"a b c d\"]}}")]
    public void An_invalid_file_is_an_error_naming_the_path(string content)
    {
        using var directory = new TemporaryModelDirectory().WriteText("tokenizer.json", content);
        var error = Assert.Throws<InvalidDataException>(() => TextTokenizer.Load(directory.File("tokenizer.json")));
        Assert.Contains(directory.File("tokenizer.json"), error.Message);
    }

    [Fact]
    public void A_disposed_tokenizer_refuses_work_and_may_be_disposed_again()
    {
        using var directory = new TemporaryModelDirectory().WriteText("tokenizer.json", TinyTokenizers.WordLevelWithFraming);
        var tokenizer = TextTokenizer.Load(directory.Path);
        Assert.Equal([0, 2, 1], tokenizer.Encode("hello", addSpecialTokens: true));
        tokenizer.Dispose();
        tokenizer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => tokenizer.Encode("hello"));
        Assert.Throws<ObjectDisposedException>(() => tokenizer.Decode([2]));
    }
}
