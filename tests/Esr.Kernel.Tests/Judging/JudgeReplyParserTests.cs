using Esr.Kernel.Judging;

namespace Esr.Kernel.Tests.Judging;

public class JudgeReplyParserTests
{
    [Fact]
    public void Tagged_json_after_feedback_gives_every_attempt_and_keeps_the_raw_reply()
    {
        const string reply = """
            The response starts well but drifts toward the feature.
            <json>
            {"attempts": [{"attempt_text": "Apple!", "score": 100}, {"attempt_text": "No, wait! Orange", "score": 0}]}
            </json>
            Some closing remark { with a brace }.
            """;
        var verdict = JudgeReplyParser.Parse(reply);
        Assert.Null(verdict.Error);
        Assert.Equal(reply, verdict.RawReply);
        Assert.Equal([new Attempt("Apple!", 100), new Attempt("No, wait! Orange", 0)], verdict.Attempts!);
    }

    [Fact]
    public void Missing_tags_fall_back_to_the_span_from_first_to_last_brace()
    {
        var verdict = JudgeReplyParser.Parse("Feedback here. {\"attempts\": [{\"attempt_text\": \"x\", \"score\": 40}]} done");
        Assert.Null(verdict.Error);
        Assert.Equal([new Attempt("x", 40)], verdict.Attempts!);
    }

    [Fact]
    public void Malformed_json_inside_tags_is_an_error_without_trying_the_braces()
    {
        // The braces after the tags would parse; the original does not fall back once tags are found.
        var verdict = JudgeReplyParser.Parse("<json>{\"attempts\": [</json> {\"attempts\": []}");
        Assert.Null(verdict.Attempts);
        Assert.StartsWith("JudgeReplyFormatError: Failed to parse JSON from <json> tags", verdict.Error);
        Assert.NotNull(verdict.RawReply);
    }

    [Fact]
    public void A_close_tag_before_the_open_tag_counts_as_no_tags()
    {
        var verdict = JudgeReplyParser.Parse("</json> oops {\"attempts\": [{\"attempt_text\": \"a\", \"score\": 5}]} <json>");
        Assert.Null(verdict.Error);
        Assert.Equal([new Attempt("a", 5)], verdict.Attempts!);
    }

    [Fact]
    public void Malformed_json_between_braces_is_an_error()
    {
        var verdict = JudgeReplyParser.Parse("I think {attempts: nope} is fine");
        Assert.StartsWith("JudgeReplyFormatError: Failed to parse JSON from braces", verdict.Error);
        Assert.Null(verdict.Attempts);
    }

    [Fact]
    public void Prose_without_any_json_is_the_no_json_error()
    {
        var verdict = JudgeReplyParser.Parse("The response is fine, score 80.");
        Assert.Equal("JudgeReplyFormatError: No JSON found", verdict.Error);
        Assert.Equal("The response is fine, score 80.", verdict.RawReply);
    }

    [Fact]
    public void A_null_reply_is_an_error_with_no_raw_text()
    {
        var verdict = JudgeReplyParser.Parse(null);
        Assert.False(verdict.Succeeded);
        Assert.Null(verdict.RawReply);
    }

    [Fact]
    public void String_scores_are_read_as_numbers_and_unreadable_ones_as_null()
    {
        var verdict = JudgeReplyParser.Parse("""
            <json>{"attempts": [
              {"attempt_text": "a", "score": "85"},
              {"attempt_text": "b", "score": " 12.5 "},
              {"attempt_text": "c", "score": "high"},
              {"attempt_text": "d", "score": null},
              {"attempt_text": "e"}
            ]}</json>
            """);
        Assert.Null(verdict.Error);
        Assert.Equal([85.0, 12.5, null, null, null], verdict.Attempts!.Select(a => a.Score));
    }

    [Fact]
    public void An_empty_attempts_list_is_a_success_with_no_attempts()
    {
        var verdict = JudgeReplyParser.Parse("Only a clarifying question. <json>{\"attempts\": []}</json>");
        Assert.True(verdict.Succeeded);
        Assert.Empty(verdict.Attempts!);
    }

    [Fact]
    public void An_object_without_attempts_parses_but_carries_no_attempts()
    {
        var verdict = JudgeReplyParser.Parse("<json>{\"grade\": 50}</json>");
        Assert.True(verdict.Succeeded);
        Assert.Null(verdict.Attempts);
    }

    [Fact]
    public void Json_that_is_not_an_object_is_an_error()
    {
        var verdict = JudgeReplyParser.Parse("<json>[1, 2]</json>");
        Assert.False(verdict.Succeeded);
    }

    [Fact]
    public void Non_string_attempt_text_is_kept_as_its_json_text()
    {
        var verdict = JudgeReplyParser.Parse("<json>{\"attempts\": [{\"attempt_text\": 42, \"score\": 1}]}</json>");
        Assert.Equal("42", verdict.Attempts![0].Text);
    }

    [Theory]
    [InlineData("1e309")]
    [InlineData("-1e309")]
    [InlineData("-5")]
    [InlineData("500")]
    [InlineData("100.5")]
    [InlineData("\"500\"")]
    [InlineData("\"NaN\"")]
    [InlineData("\"Infinity\"")]
    public void A_score_outside_0_to_100_or_not_finite_is_the_verdicts_error(string score)
    {
        var reply = $"<json>{{\"attempts\": [{{\"attempt_text\": \"a\", \"score\": 40}}, {{\"attempt_text\": \"b\", \"score\": {score}}}]}}</json>";

        var verdict = JudgeReplyParser.Parse(reply);

        Assert.False(verdict.Succeeded);
        Assert.Null(verdict.Attempts);
        Assert.Equal(reply, verdict.RawReply);
        Assert.StartsWith("JudgeReplyFormatError: attempt 2's score ", verdict.Error);
        Assert.EndsWith(" is outside 0-100", verdict.Error);
    }

    [Fact]
    public void Scores_of_exactly_0_and_100_are_kept()
    {
        var verdict = JudgeReplyParser.Parse("<json>{\"attempts\": [{\"attempt_text\": \"a\", \"score\": 0}, {\"attempt_text\": \"b\", \"score\": \"100\"}]}</json>");
        Assert.True(verdict.Succeeded, verdict.Error);
        Assert.Equal([0.0, 100.0], verdict.Attempts!.Select(a => a.Score));
    }

    [Fact]
    public void A_reply_over_1_MiB_is_an_error_naming_the_limit_and_keeps_no_raw_text()
    {
        var reply = "<json>{\"attempts\": [{\"attempt_text\": \"" + new string('x', 1 << 20) + "\", \"score\": 50}]}</json>";

        var verdict = JudgeReplyParser.Parse(reply);

        Assert.False(verdict.Succeeded);
        Assert.Null(verdict.RawReply);
        Assert.Null(verdict.Attempts);
        Assert.StartsWith("JudgeReplyTooLarge: the reply is 1048638 bytes, over the 1 MiB limit", verdict.Error);
    }
}
