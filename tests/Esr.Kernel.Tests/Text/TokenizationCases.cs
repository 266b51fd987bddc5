namespace Esr.Kernel.Tests.Text;

/// <summary>Texts that exercise the tokenizers, and which tokenizers each is asked of.</summary>
internal static class TokenizationCases
{
    /// <summary>Texts every tokenizer is compared on.</summary>
    public static readonly string[] Common =
    [
        "Explain how a bicycle works.",
        "",
        " leading and trailing  ",
        "  two  spaces\n\n\ttab\r\nCRLF",
        "word" + new string(' ', 17) + "word\n\n\n\n",
        "\t\t\n \n  \n",
        "héllo wörld, naïve façade — “quotes” … ½",
        "日本語のテキストと中文字符，한국어",
        "emoji 🚲👩‍👩‍👧🏳️‍🌈 and skin 👍🏽",
        "Numbers: 1234567, 3.14159, 2024-07-26",
        "don't you'll I'VE we'd",
        "def f(x):\n    return x ** 2  # square\n",
        "مرحبا بالعالم नमस्ते",
        "Rare: \u0001\u0007 control, private \U0010FFFD, hieroglyph 𓀀, fraktur 𝔘𝔫𝔦",
        string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", 3)),
        // Special-token strings of both families, whole and broken.
        "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
        "<|eot_id|> <|eot_id|>x<|end_of_text|>",
        "<|eot_id",
        "<bos><start_of_turn>user\nHi!<end_of_turn>\n<start_of_turn>model\n",
        "<eos><pad> <end_of_turn>x<unused3>",
    ];

    /// <summary>The tokenizers compared on every text, with and without special tokens.</summary>
    public static readonly string[] Tokenizers = [NodeReference.Llama3Instruct, NodeReference.Gemma2];

    /// <summary>(tokenizer, case index, addSpecialTokens) for every comparison.</summary>
    public static IEnumerable<object[]> EncodeRows() =>
        from tokenizer in Tokenizers
        from index in Enumerable.Range(0, Common.Length)
        from add in new[] { false, true }
        select new object[] { tokenizer, index, add };
}
