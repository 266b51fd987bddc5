namespace Esr.Kernel.Tests.Judging;

/// <summary>Tests that set API-key environment variables run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class JudgeEnvironmentCollection
{
    public const string Name = "Judge API keys in the environment";
}
