using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Esr.Kernel.Judging;

namespace Esr.Kernel.Toy;

/// <summary>
/// A second judge of the toy world, independent of <see cref="ToyJudge"/>: it never looks a sentence up in the world,
/// it reads words. A sentence that opens with a word only the self-correction markers use starts a new attempt; an
/// attempt's score is 100 × the share of its topical words (words of exactly one task or subject) that belong to the
/// prompt's topic; an attempt without topical words is no attempt. It errs where the exact judge does not (it credits
/// the on-topic words of a garbled sentence, and scores a truncated last sentence), which is what a cross-judge
/// agreement study (experiment 7) measures.
/// </summary>
public sealed partial class ToyLexicalJudge : IJudge
{
    /// <summary>The judge's name, in trials and as the <c>--judge</c> value.</summary>
    public const string JudgeName = "toy-lexical";

    private readonly ToyPromptTopic _topic;
    private readonly ToyTokenCategories _words;

    /// <summary>Creates the judge for a world (the default world when null).</summary>
    public ToyLexicalJudge(ToyWorld? world = null)
    {
        world ??= ToyWorld.Default;
        _topic = new ToyPromptTopic(world);
        _words = new ToyTokenCategories(world);
    }

    /// <inheritdoc />
    public string Name => JudgeName;

    /// <inheritdoc />
    /// <remarks>Nothing is sent anywhere; the texts describe the rule, and their hash versions cached grades.</remarks>
    public JudgePrompt Prompt { get; } = new(
        "The lexical judge of the toy world; no model is called and no sentence is looked up.",
        "Split the response into sentences at each period, question mark or exclamation mark. A sentence that opens with " +
        "a word only the self-correction markers use starts a new attempt and is not scored. Score an attempt 100 times " +
        "the share of its topical words (words of exactly one task or subject) that belong to the prompt's task or " +
        "subject; a part without topical words is no attempt.");

    /// <inheritdoc />
    public Task<JudgeVerdict> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        (int? Task, int? Subject) topic;
        try
        {
            topic = _topic.Find(request.Prompt);
        }
        catch (ArgumentException e)
        {
            return Task.FromResult(JudgeVerdict.Failed(null, nameof(ArgumentException), e.Message));
        }
        var attempts = new List<Attempt>();
        var counts = new StringBuilder();
        var text = new StringBuilder();
        var (topical, onTopic) = (0, 0);
        void Close()
        {
            if (topical > 0)
            {
                attempts.Add(new Attempt(text.ToString().Trim(), 100.0 * onTopic / topical));
                counts.Append(CultureInfo.InvariantCulture, $"[{attempts.Count}] {onTopic} of {topical} topical words on topic\n");
            }
            (topical, onTopic) = (0, 0);
            text.Clear();
        }
        foreach (Match sentence in Sentence().Matches(request.Response))
        {
            var words = ToyWorld.Words(sentence.Value).Select(_words.Find).OfType<ToyWordInfo>().ToArray();
            if (words.Length > 0 && words[0].OnlyMarker)
            {
                Close();
                continue;
            }
            text.Append(sentence.Value);
            foreach (var word in words)
            {
                if (word.OnlyTask is { } task)
                    (topical, onTopic) = (topical + 1, onTopic + (task == topic.Task ? 1 : 0));
                else if (word.OnlySubject is { } subject)
                    (topical, onTopic) = (topical + 1, onTopic + (subject == topic.Subject ? 1 : 0));
            }
        }
        Close();
        return Task.FromResult(new JudgeVerdict(attempts, counts.Append(ToyJudgeReply.Json(attempts)).ToString(), null));
    }

    [GeneratedRegex(@"[^.?!]+[.?!]*|[.?!]+")]
    private static partial Regex Sentence();
}
