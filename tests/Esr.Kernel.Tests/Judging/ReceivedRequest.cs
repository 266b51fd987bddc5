namespace Esr.Kernel.Tests.Judging;

/// <summary>What the loopback server received.</summary>
internal sealed record ReceivedRequest(int Index, string Method, string Path, string Body, IReadOnlyDictionary<string, string> Headers);
