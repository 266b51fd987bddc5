using Esr.Kernel;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Events;

namespace Esr.Magics.Tests;

/// <summary>Completions a notebook offers while typing a directive.</summary>
public sealed class CompletionTests
{
    [Fact]
    public async Task The_model_of_load_completes_to_the_toy_and_paper_names()
    {
        using var kernel = await MagicsKernel.StartAsync();

        var items = await CompletionsAsync(kernel, "#!esr load ");

        Assert.Contains("toy-m-sa60", items.Select(item => item.DisplayText));
        Assert.Contains("llama-3.1-8b", items.Select(item => item.DisplayText));
        Assert.Superset(Workbench.ModelNames.ToHashSet(), items.Select(item => item.DisplayText).ToHashSet());
    }

    [Fact]
    public async Task Steer_completes_to_the_loaded_sae_s_latents_shown_with_their_labels()
    {
        using var kernel = await MagicsKernel.StartAsync();
        Assert.DoesNotContain(await CompletionsAsync(kernel, "#!esr generate \"x\" --steer "), item => item.InsertText?.EndsWith('=') == true);
        await kernel.RunAsync("#!esr load toy-s-base");
        var penguins = kernel.Session.Model!.Reference.Toy!.SubjectLatents["penguins"];
        var shown = $"{penguins} {kernel.Session.Model.Sae!.Label(penguins)}";

        var steer = await CompletionsAsync(kernel, "#!esr generate \"x\" --steer ");
        var latent = await CompletionsAsync(kernel, "#!esr latents \"x\" --latent ");

        Assert.Equal($"{penguins}=", Assert.Single(steer, item => item.DisplayText == shown).InsertText);
        Assert.Equal($"{penguins}", Assert.Single(latent, item => item.DisplayText == shown).InsertText);
        Assert.StartsWith("subject:", kernel.Session.Model.Sae.Label(penguins));
    }

    private static async Task<IReadOnlyList<CompletionItem>> CompletionsAsync(MagicsKernel kernel, string code)
    {
        var result = await kernel.Kernel.SendAsync(new RequestCompletions(code, new LinePosition(0, code.Length)));
        return Assert.Single(result.Events.OfType<CompletionsProduced>()).Completions.ToArray();
    }
}
