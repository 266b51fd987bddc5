using Esr.Kernel;
using Microsoft.CodeAnalysis.Tags;
using Microsoft.DotNet.Interactive.Directives;
using Microsoft.DotNet.Interactive.Events;

namespace Esr.Magics;

/// <summary>Value completions of the directives' options: model names and labelled latents of the loaded SAE.</summary>
internal static class Completions
{
    /// <summary>At most this many latents are offered: a notebook's completion list stays usable with a 65k-latent SAE.</summary>
    public const int MaxLatents = 5000;

    /// <summary>The toy models found here and the paper's configurations.</summary>
    public static KernelDirectiveParameter WithModelNames(this KernelDirectiveParameter parameter) =>
        parameter.AddCompletions(() => Workbench.ModelNames);

    /// <summary>Fixed values.</summary>
    public static KernelDirectiveParameter WithValues(this KernelDirectiveParameter parameter, params string[] values) =>
        parameter.AddCompletions(() => values);

    /// <summary>
    /// The loaded SAE's labelled latents, shown as "754 subject:penguins" and inserted as "754" followed by
    /// <paramref name="suffix"/> ("=" where a value follows).
    /// </summary>
    public static KernelDirectiveParameter WithLatents(this KernelDirectiveParameter parameter, EsrSession session, string suffix = "") =>
        parameter.AddCompletions(context =>
        {
            foreach (var item in LatentItems(session, suffix)) context.CompletionItems.Add(item);
            return Task.CompletedTask;
        });

    /// <summary>The completion items of <see cref="WithLatents"/>.</summary>
    public static IEnumerable<CompletionItem> LatentItems(EsrSession session, string suffix)
    {
        if (session.Model?.Sae is not { Labels: { } labels } sae) return [];
        return Enumerable.Range(0, sae.Width).Where(labels.HasLabel).Take(MaxLatents).Select(latent =>
        {
            var shown = $"{latent} {labels[latent]}";
            return new CompletionItem(shown, WellKnownTags.EnumMember, filterText: shown, sortText: latent.ToString("D8"), insertText: $"{latent}{suffix}");
        });
    }
}
