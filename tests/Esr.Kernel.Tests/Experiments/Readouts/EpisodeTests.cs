using Esr.Kernel.Experiments.Episodes;
using Esr.Kernel.Judging;
using Esr.Kernel.Tests.Judging;

namespace Esr.Kernel.Tests.Experiments.Readouts;

public class EpisodeTests
{
    [Fact]
    public void Keyword_scores_add_each_matching_pattern_once_and_exclusions_zero_them()
    {
        // mistake 2 + apologize 3 + apolog 3 + acknowledge 1.
        Assert.Equal(9, BacktrackingKeywords.Score("The assistant Acknowledges making a MISTAKE and apologizes"));
        Assert.Equal(4, BacktrackingKeywords.Score("Self-correction after an error")); // self-correct 3 + error 1
        Assert.Equal(4, BacktrackingKeywords.Score("Backtracking on a wrong claim"));  // backtrack 3 + wrong 1
        Assert.Equal(4, BacktrackingKeywords.Score("Acknowledging a factual error"));  // acknowledg…error 3 + error 1; "acknowledging" lacks "acknowledge"
        Assert.Equal(0, BacktrackingKeywords.Score("Python exception handling errors"));
        Assert.Equal(0, BacktrackingKeywords.Score("HTTP 404 mistakes"));
        Assert.Equal(0, BacktrackingKeywords.Score("Recipes for cake"));

        var candidates = BacktrackingKeywords.Candidates([(4, "Backtracking on a wrong claim"), (9, "Recipes"), (2, "Self-correction after an error"), (1, "made a mistake")]);

        Assert.Equal([(1, 5), (2, 4), (4, 4)], candidates.Select(c => (c.Latent, c.Score)));
        Assert.Equal(16, BacktrackingKeywords.PaperLatents.Distinct().Count());
    }

    [Fact]
    public void Episodes_are_two_attempt_trials_whose_second_score_is_higher_in_source_file_order()
    {
        var trials = new[]
        {
            Trials.Make(1, 1, ScriptedJudge.Scores(10, 80), file: "b.json"),
            Trials.Make(2, 2, ScriptedJudge.Scores(80, 10), file: "a.json"),
            Trials.Make(3, 3, ScriptedJudge.Scores(10, 50, 80), file: "a.json"),
            Trials.Make(4, 4, ScriptedJudge.Scores(10, 80), file: "a.json", error: "boom"),
            Trials.Make(5, 5, ScriptedJudge.Scores(20, 30), file: "experiment_results_x_with_ablation.json"),
            Trials.Make(6, 6, ScriptedJudge.Scores(20, 30), file: "a.json"),
            Trials.Make(7, 7, new JudgeVerdict([new Attempt("a", 10), new Attempt("b", null)], "", null), file: "a.json"),
        };

        var episodes = EpisodeExtraction.Extract(trials);

        Assert.Equal([(6, "ep_0001"), (1, "ep_0002"), (5, "ep_0003")], episodes.Select(e => (e.Trial.Latent, e.Id)));
        Assert.Equal((20.0, 30.0, "attempt 0", "attempt 1"), (episodes[0].FirstScore, episodes[0].SecondScore, episodes[0].FirstAttemptText, episodes[0].SecondAttemptText));
        Assert.Equal([6, 1], EpisodeExtraction.Extract(trials, includeAblation: false).Select(e => e.Trial.Latent));
    }

    [Fact]
    public void Baseline_episodes_are_single_attempt_trials_scoring_at_least_50()
    {
        var trials = Enumerable.Range(0, 10).Select(i => Trials.Make(i, i, ScriptedJudge.Scores(i < 6 ? 60 : 40)))
            .Append(Trials.Make(20, 20, ScriptedJudge.Scores(90, 95))).ToList();

        var all = EpisodeExtraction.Baseline(trials, limit: 50);
        var some = EpisodeExtraction.Baseline(trials, limit: 3);

        Assert.Equal([0, 1, 2, 3, 4, 5], all.Select(e => e.Trial.Latent).Order());
        Assert.Equal(3, some.Count);
        Assert.Equal(some.Select(e => e.Trial.Latent), EpisodeExtraction.Baseline(trials, limit: 3).Select(e => e.Trial.Latent));
        Assert.Equal("base_0001", some[0].Id);
    }

    // 11 filler tokens (an "assistant" among them, before index 11, is ignored), the header, the response, <|eot_id|>.
    private static readonly string[] Tokens =
    [
        "<|begin_of_text|>", "x", "x", "assistant", "x", "x", "x", "x", "x", "x", "x",
        "<|start_header_id|>", "assistant", "<|end_header_id|>", "\n\n", "Hello", " world", "<|eot_id|>",
    ];

    [Fact]
    public void The_papers_char_to_token_rule_starts_at_the_header_end_and_lands_early()
    {
        int start = TokenAlignment.ResponseStart(Tokens);

        Assert.Equal(13, start); // the <|end_header_id|> token (17 characters)
        // Running start offsets from token 13: 0, 17, 19, 24, 30.
        Assert.Equal(13, TokenAlignment.CharToToken(Tokens, start, 0));
        Assert.Equal(14, TokenAlignment.CharToToken(Tokens, start, 2));  // "Hello" is character 2 of "\n\nHello world"
        Assert.Equal(14, TokenAlignment.CharToToken(Tokens, start, 7));  // " world": still the "\n\n" token
        Assert.Equal(16, TokenAlignment.CharToToken(Tokens, start, 20));
        Assert.Equal(-1, TokenAlignment.CharToToken(Tokens, start, -1));
        Assert.Equal(17, TokenAlignment.CharToToken(Tokens, start, 500)); // past the end: the last token
        Assert.Equal(0, TokenAlignment.ResponseStart(["a", "b", "assistant"]));
    }

    [Fact]
    public void The_aligned_mapping_puts_each_boundary_on_the_token_holding_its_character()
    {
        var annotation = new BoundaryAnnotation(0, 2, 7, "", "", true, null, null);

        var paper = TokenAlignment.Boundaries(Tokens, 13, "\n\nHello world", annotation, BoundaryMapping.Paper);
        var aligned = TokenAlignment.Boundaries(Tokens, 13, "\n\nHello world", annotation, BoundaryMapping.Aligned);

        Assert.Equal((13, 14, 14), paper);
        Assert.Equal((14, 15, 16), aligned);
    }

    [Fact]
    public void The_aligned_mapping_spells_tokens_that_drop_the_spaces_between_words()
    {
        // A word-level vocabulary: tokens decoded one by one carry no spaces, so the text walked never matches.
        string[] words = [.. Tokens[..14], "\n\n", "Hello", "world", ".", "Wait", ".", "<|eot_id|>"];
        var annotation = new BoundaryAnnotation(2, 8, 15, "", "", true, null, null); // "Hello", "world", "Wait"

        Assert.Equal((15, 16, 18), TokenAlignment.Boundaries(words, 13, "\n\nHello world. Wait.", annotation, BoundaryMapping.Aligned));
        // The leading whitespace belongs to no word: it maps to the first one.
        Assert.Equal(15, TokenAlignment.Boundaries(words, 13, "\n\nHello world. Wait.", annotation with { OffTopicCharStart = 0 }, BoundaryMapping.Aligned).OffTopic);
        // The paper's rule walks the lengths and lands elsewhere.
        Assert.NotEqual((15, 16, 18), TokenAlignment.Boundaries(words, 13, "\n\nHello world. Wait.", annotation, BoundaryMapping.Paper));
    }

    [Theory]
    [InlineData("Here you go:\n```json\n{\"off_topic_char_start\": 0, \"correction_char_start\": 5, \"on_topic_char_start\": 9, \"correction_phrase\": \"Wait\", \"notes\": \"n\"}\n```", true, 0, 5, 9)]
    [InlineData("No fence, but {\"notes\": \"flat\", \"off_topic_char_start\": 1, \"correction_char_start\": 2, \"on_topic_char_start\": 3} trailing", true, 1, 2, 3)]
    [InlineData("```json\n{\"off_topic_char_start\": 4, \"correction_char_start\": 2, \"on_topic_char_start\": 9}\n```", false, 4, 2, 9)]
    [InlineData("```json\n{\"off_topic_char_start\": 0, \"correction_char_start\": 6, \"on_topic_char_start\": 5}\n```", false, 0, 6, 5)]
    [InlineData("```json\n{\"off_topic_char_start\": 0, \"correction_char_start\": 6, \"on_topic_char_start\": 20}\n```", false, 0, 6, 20)]
    [InlineData("```json\n{\"off_topic_char_start\": -1, \"correction_char_start\": -1, \"on_topic_char_start\": -1}\n```", false, -1, -1, -1)]
    [InlineData("```json\n{\"off_topic_char_start\": 0, \"correction_char_start\": 0, \"on_topic_char_start\": 0}\n```", true, 0, 0, 0)]
    public void Boundary_replies_are_read_from_a_fenced_block_or_a_flat_object_and_checked(string reply, bool valid, int off, int correction, int on)
    {
        var annotation = BoundaryAnnotationParser.Parse(reply, responseLength: 20);

        Assert.Null(annotation.Error);
        Assert.Equal((valid, off, correction, on), (annotation.Valid, annotation.OffTopicCharStart, annotation.CorrectionCharStart, annotation.OnTopicCharStart));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("I cannot tell.")]
    [InlineData("```json\n{\"off_topic_char_start\": 0, \"correction_char_start\": 5}\n```")]
    [InlineData("```json\n{\"off_topic_char_start\": 0, \"correction_char_start\": 5, \"on_topic_char_start\": 9,}\n```")]
    [InlineData("{\"nested\": {\"off_topic_char_start\": \"zero\", \"correction_char_start\": 1, \"on_topic_char_start\": 2}}")]
    public void Unreadable_boundary_replies_are_invalid_with_an_error(string? reply)
    {
        var annotation = BoundaryAnnotationParser.Parse(reply, responseLength: 20);

        Assert.False(annotation.Valid);
        Assert.NotNull(annotation.Error);
    }

    [Fact]
    public async Task The_annotator_sends_prompt_and_response_and_turns_failures_into_invalid_annotations()
    {
        var episodes = EpisodeExtraction.Extract([
            Trials.Make(1, 1, ScriptedJudge.Scores(0, 75), response: "Knots. Wait, wrong topic. Probability is a ratio.", prompt: "Explain probability."),
            Trials.Make(2, 2, ScriptedJudge.Scores(0, 75), response: "boom", prompt: "Explain knots."),
        ]);
        using var client = new ScriptedChatClient(user => user.Contains("boom", StringComparison.Ordinal)
            ? throw new HttpRequestException("server down")
            : "```json\n{\"off_topic_char_start\": 0, \"correction_char_start\": 7, \"on_topic_char_start\": 26, \"correction_phrase\": \"Wait, wrong topic.\", \"notes\": \"\"}\n```");

        var annotations = await new BoundaryAnnotator(client, "claude-sonnet-4-5-20250929").AnnotateAsync(episodes);

        Assert.True(annotations[0].Valid);
        Assert.Equal("Wait, wrong topic.", annotations[0].CorrectionPhrase);
        Assert.False(annotations[1].Valid);
        Assert.StartsWith("HttpRequestException", annotations[1].Error);
        var call = client.Calls.Single(c => c.Messages[1].Text.Contains("Explain probability.", StringComparison.Ordinal));
        Assert.Contains("Knots. Wait, wrong topic.", call.Messages[1].Text);
        Assert.Equal(Microsoft.Extensions.AI.ChatRole.System, call.Messages[0].Role);
        Assert.Equal((1024, "claude-sonnet-4-5-20250929"), (call.Options!.MaxOutputTokens, call.Options.ModelId));
    }

    [Fact]
    public async Task The_annotator_keeps_a_key_the_server_echoes_out_of_its_raw_replies_and_errors()
    {
        var variable = "ESR_TEST_KEY_" + Guid.NewGuid().ToString("N");
        const string key = "annotator-key-0123456789";
        Environment.SetEnvironmentVariable(variable, key);
        try
        {
            var episodes = EpisodeExtraction.Extract([
                Trials.Make(1, 1, ScriptedJudge.Scores(0, 75), response: "Knots. Wait, wrong topic. Probability is a ratio.", prompt: "Explain probability."),
                Trials.Make(2, 2, ScriptedJudge.Scores(0, 75), response: "boom", prompt: "Explain knots."),
            ]);
            using var server = new LoopbackServer(r =>
            {
                var sent = r.Headers.GetValueOrDefault("Authorization");
                return r.Body.Contains("boom", StringComparison.Ordinal)
                    ? new ScriptedReply(401, $"{{\"error\":{{\"message\":\"bad key {sent}\"}}}}")
                    : new ScriptedReply(200, WireFormats.OpenAiCompletion($"You sent {sent}.\n```json\n{{\"off_topic_char_start\": 0, \"correction_char_start\": 7, \"on_topic_char_start\": 26}}\n```"));
            });
            using var client = JudgeBackends.OpenAiChatClient("annotator", new Uri(server.BaseUrl, "/v1"), variable, new JudgeClientOptions { MaxRetries = 0 });

            var annotations = await new BoundaryAnnotator(client).AnnotateAsync(episodes);

            Assert.Contains("[redacted]", annotations[0].RawResponse);
            Assert.Contains("[redacted]", annotations[1].Error);
            Assert.All(annotations, a => Assert.DoesNotContain(key, a.RawResponse + a.Error));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }
}
