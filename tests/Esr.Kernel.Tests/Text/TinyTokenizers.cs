namespace Esr.Kernel.Tests.Text;

/// <summary>
/// Small hand-written tokenizer.json files (word-level like the toy world's, and unigram) for the parts of the
/// contract that do not need a real vocabulary; they load in milliseconds.
/// </summary>
internal static class TinyTokenizers
{
    /// <summary>
    /// Word-level, split on whitespace, "&lt;s&gt; $A &lt;/s&gt;" post-processor, no decoder (the library then joins
    /// tokens with spaces). Ids: &lt;s&gt; 0, &lt;/s&gt; 1, hello 2, world 3, [UNK] 4, &lt;turn&gt; 5 (added, not special).
    /// </summary>
    public const string WordLevelWithFraming = """
        {
          "version": "1.0",
          "truncation": null,
          "padding": null,
          "added_tokens": [
            { "id": 0, "content": "<s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true },
            { "id": 1, "content": "</s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true },
            { "id": 5, "content": "<turn>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": false }
          ],
          "normalizer": null,
          "pre_tokenizer": { "type": "WhitespaceSplit" },
          "post_processor": {
            "type": "TemplateProcessing",
            "single": [ { "SpecialToken": { "id": "<s>", "type_id": 0 } }, { "Sequence": { "id": "A", "type_id": 0 } }, { "SpecialToken": { "id": "</s>", "type_id": 0 } } ],
            "pair": [ { "Sequence": { "id": "A", "type_id": 0 } }, { "Sequence": { "id": "B", "type_id": 1 } } ],
            "special_tokens": {
              "<s>": { "id": "<s>", "ids": [0], "tokens": ["<s>"] },
              "</s>": { "id": "</s>", "ids": [1], "tokens": ["</s>"] }
            }
          },
          "decoder": null,
          "model": { "type": "WordLevel", "vocab": { "<s>": 0, "</s>": 1, "hello": 2, "world": 3, "[UNK]": 4 }, "unk_token": "[UNK]" }
        }
        """;

    /// <summary>A unigram model (vocabulary as [piece, score] pairs), Metaspace pre-tokenizer and decoder.</summary>
    public const string Unigram = """
        {
          "version": "1.0",
          "truncation": null,
          "padding": null,
          "added_tokens": [
            { "id": 0, "content": "<unk>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true }
          ],
          "normalizer": null,
          "pre_tokenizer": { "type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": true },
          "post_processor": null,
          "decoder": { "type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": true },
          "model": { "type": "Unigram", "unk_id": 0, "byte_fallback": false, "vocab": [ ["<unk>", 0.0], ["▁hi", -1.0], ["▁there", -1.5], ["▁", -3.0], ["h", -4.0], ["i", -4.0] ] }
        }
        """;
}
