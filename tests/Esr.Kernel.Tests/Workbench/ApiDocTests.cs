using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.Data.Analysis;

namespace Esr.Kernel.Tests;

/// <summary>Tests that redirect the console run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console output";
}

/// <summary>Every <c>```csharp</c> block of docs/API.md compiles and runs against the committed toy zoo.</summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class ApiDocTests
{
    private static readonly IReadOnlyList<string> Examples = ReadExamples();

    public static TheoryData<int> ExampleNumbers => new(Enumerable.Range(1, Examples.Count));

    [Fact]
    public void The_page_has_an_example_for_every_section()
    {
        var page = File.ReadAllText(PagePath());
        var sections = Regex.Split(page, @"^## ", RegexOptions.Multiline).Skip(1).ToArray();
        Assert.True(sections.Length >= 6, $"{sections.Length} sections");
        Assert.All(sections, section => Assert.Contains("```csharp", section));
    }

    [Theory]
    [MemberData(nameof(ExampleNumbers))]
    public async Task The_csharp_example_compiles_and_runs(int number)
    {
        var options = ScriptOptions.Default
            .WithReferences(typeof(Workbench).Assembly, typeof(DataFrame).Assembly, typeof(TorchSharp.torch).Assembly)
            .WithImports("System", "System.Collections.Generic", "System.Linq", "System.Threading");
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        try
        {
            await CSharpScript.RunAsync(Examples[number - 1], options);
        }
        catch (CompilationErrorException error)
        {
            Assert.Fail($"example {number} does not compile: {string.Join("; ", error.Diagnostics)}");
        }
        finally
        {
            Console.SetOut(console);
        }
        Assert.False(string.IsNullOrWhiteSpace(output.ToString()), $"example {number} printed nothing");
    }

    private static IReadOnlyList<string> ReadExamples() =>
        CsharpBlock().Matches(File.ReadAllText(PagePath())).Select(match => match.Groups["code"].Value).ToArray();

    private static string PagePath()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "docs", "API.md");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("docs/API.md not found above the test's folder");
    }

    [GeneratedRegex(@"^```csharp\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CsharpBlock();
}
