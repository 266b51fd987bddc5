using System.Security.Cryptography;
using System.Text;
using Esr.Kernel.Judging;

namespace Esr.Kernel.Tests.Experiments.Runs;

/// <summary>
/// A deterministic judge: the verdict is a function of the response and label only (one attempt, or two when the
/// hash says so), so a rerun grades identically. Counts its calls.
/// </summary>
internal sealed class ScriptedJudge(TimeSpan delay = default) : IJudge
{
    private int _calls;

    public string Name => "scripted";

    public JudgePrompt Prompt => JudgePrompt.Default;

    public int Calls => Volatile.Read(ref _calls);

    public static JudgeVerdict Grade(string response, string label)
    {
        var hash = BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(label + "\n" + response)));
        double first = hash % 101, second = hash / 101 % 101;
        Attempt[] attempts = hash % 3 == 0 ? [new("first", first), new("second", second)] : [new("only", first)];
        return new JudgeVerdict(attempts, $"scripted {hash}", null);
    }

    public async Task<JudgeVerdict> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        if (delay > TimeSpan.Zero) await Task.Delay(delay, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        return Grade(request.Response, request.FeatureLabel);
    }
}
