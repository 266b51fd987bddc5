namespace Esr.Kernel.Tests.Judging;

/// <summary>What the loopback server answers: status, body, extra headers, and a delay before answering.</summary>
internal sealed record ScriptedReply(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null, TimeSpan Delay = default);
