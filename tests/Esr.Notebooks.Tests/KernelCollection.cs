namespace Esr.Notebooks.Tests;

/// <summary>Tests that start kernels run one at a time: a C# kernel redirects the process's console while a cell runs.</summary>
[CollectionDefinition(Name)]
public sealed class KernelCollection
{
    public const string Name = "in-process kernels";
}
