using Esr.Kernel;
using Esr.Kernel.Generation;
using Esr.Kernel.Interventions;
using Esr.Kernel.Judging;
using Esr.Kernel.Saes;
using Esr.Magics.Formatting;
using Microsoft.DotNet.Interactive.Formatting;

namespace Esr.Magics.Tests;

/// <summary>The HTML views and their text fallbacks, on hand-made values (no model needed).</summary>
public sealed class FormatterTests
{
    private const string Script = "<script>alert('x')</script>";
    private const string Tag = "<img src=x onerror=alert(1)>";
    private const string BreakOut = "\" onmouseover=\"alert(2)";

    static FormatterTests() => EsrFormatters.Register();

    private static Completion Completion(string text, Steering steering) =>
        new(Script, [1, 2], text, [3, 4, 5], FinishReason.Stop, 7, steering, new GenerateOptions { Temperature = 0.5, Seed = 7, Steering = steering });

    private static Verdict Verdict(string response, params (string Text, double? Score)[] attempts) =>
        new("judge" + Tag, new JudgeRequest(Script, response, "label" + BreakOut),
            new JudgeVerdict(attempts.Select(attempt => new Attempt(attempt.Text, attempt.Score)).ToArray(), "raw", null));

    private static LatentTrace Trace()
    {
        var labels = LatentLabels.Parse(new StringReader($"index_in_sae,label\n3,\"{BreakOut.Replace("\"", "\"\"")}\"\n8,\"{Script}\"\n"), "labels.csv");
        return new LatentTrace([3, 8], [[0f, 1f], [2f, 0.5f], [4f, 0f]]) { TokenTexts = ["<bos>", Tag, "a\nb"], Labels = labels, TopCount = 2 };
    }

    public static TheoryData<object> HostileValues()
    {
        var steering = Steering.Add(3, 12);
        var comparison = new SteerComparison(Script, Completion(Tag, Steering.None), Completion(Script + BreakOut, steering), steering);
        var ladder = new SteeringLadder(Script, 3, [new LadderRung(0, Completion(Tag, Steering.None)), new LadderRung(12, Completion(Script, steering))]);
        return new TheoryData<object>
        {
            Completion(Script + Tag + BreakOut, steering),
            new GenerationProgress(Script, Tag),
            new GenerationProgress(Script, "", Tag),
            comparison,
            new JudgedComparison(comparison, Verdict(Tag, (Script, 80), (Tag, null)), Verdict(Script, (BreakOut, 10))),
            ladder,
            new JudgedLadder(ladder, [Verdict(Tag, (Tag, 0)), Verdict(Script, (Script, 100))]),
            Trace(),
            LatentHeatmap.Of(Trace(), [3, 8]),
            Verdict(Tag, (Script, 50), (Tag + BreakOut, 20)),
            new Verdict("j", new JudgeRequest(Script, Tag, BreakOut), JudgeVerdict.Failed(Tag, "HttpRequestException", Script)),
            new ModelCard(Script, ModelReferenceKind.Directory, Tag, 10, 2, 4, 6, 8, "float32", "cpu", new SaeCard(BreakOut, 16, "blocks.1.resid_post", "blocks.1.resid_post", 3), Script),
        };
    }

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void Html_from_data_is_escaped_so_a_hostile_prompt_label_or_token_adds_no_markup(object value)
    {
        var html = value.ToDisplayString(HtmlFormatter.MimeType);

        Assert.StartsWith("<div class=\"esr esr-", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<img", html);
        Assert.DoesNotContain("onmouseover=\"", html);
        Assert.Contains("&lt;", html);
    }

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void Every_view_has_the_value_s_own_text_as_its_plain_text_fallback(object value) =>
        Assert.Equal(value.ToString(), value.ToDisplayString(PlainTextFormatter.MimeType));

    [Fact]
    public void The_heatmap_shades_each_token_by_its_share_of_the_latent_s_maximum_and_its_tooltip_lists_the_top_latents()
    {
        var html = LatentHeatmap.Of(Trace(), [3]).ToDisplayString(HtmlFormatter.MimeType);

        Assert.Contains("background: rgba(255, 120, 0, 0)\" title=\"#0 &lt;bos&gt;\nlatent 3: 0\n8 &lt;script&gt;", html);
        Assert.Contains("background: rgba(255, 120, 0, 0.475)\"", html); // 0.1 + 0.75 × 2/4
        Assert.Contains("background: rgba(255, 120, 0, 0.85)\"", html);
        Assert.Contains(">a↵b</span>", html);
        Assert.Contains("latent 3 · &quot; onmouseover=&quot;alert(2) · max 4", html);
    }

    [Fact]
    public void A_trace_is_drawn_coloured_by_its_most_active_latent()
    {
        var heatmap = LatentHeatmap.Of(Trace());

        Assert.Equal([3], heatmap.Colored);
        Assert.Equal(Trace().ToDisplayString(HtmlFormatter.MimeType), heatmap.ToDisplayString(HtmlFormatter.MimeType));
    }

    [Fact]
    public void Attempts_are_shown_side_by_side_with_scores_coloured_by_band_and_a_failed_judge_says_why()
    {
        var verdict = Verdict("r", ("first", 90), ("second", 40), ("third", 5), ("fourth", null));
        var failed = new Verdict("j", new JudgeRequest("p", "the response", "l"), JudgeVerdict.Failed(null, "TimeoutException", "no reply"));

        var html = AttemptsHtml.Of(verdict, "r");

        Assert.Contains("<span class=\"esr-score esr-high\">90</span>first", html);
        Assert.Contains("<span class=\"esr-score esr-mid\">40</span>second", html);
        Assert.Contains("<span class=\"esr-score esr-low\">5</span>third", html);
        Assert.Contains("<span class=\"esr-score esr-none\">-</span>fourth", html);
        Assert.Contains("judge error: TimeoutException: no reply", AttemptsHtml.Of(failed, "the response"));
        Assert.Contains("the response", AttemptsHtml.Of(failed, "the response"));
        Assert.Equal("<pre class=\"esr-text\">plain</pre>", AttemptsHtml.Of(null, "plain"));
    }
}
