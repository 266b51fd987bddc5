using Esr.Kernel.Judging;

namespace Esr.Kernel.Tests.Experiments.Readouts;

/// <summary>A deterministic judge: the verdict is a function of the request; records every request it saw.</summary>
internal sealed class ScriptedJudge(string name, Func<JudgeRequest, JudgeVerdict> grade) : IJudge
{
    private readonly List<JudgeRequest> _seen = [];

    public string Name { get; } = name;

    public JudgePrompt Prompt => JudgePrompt.Default;

    public IReadOnlyList<JudgeRequest> Seen
    {
        get
        {
            lock (_seen) return _seen.ToList();
        }
    }

    public Task<JudgeVerdict> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default)
    {
        lock (_seen) _seen.Add(request);
        return Task.FromResult(grade(request));
    }

    /// <summary>A verdict with these attempt scores.</summary>
    public static JudgeVerdict Scores(params double[] scores) =>
        new(scores.Select((s, i) => new Attempt($"attempt {i}", s)).ToList(), "<json>...</json>", null);
}
