using System.Globalization;
using System.Text.RegularExpressions;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>How the figures name, order and colour a model (ESR_SPEC §6, Figures 2, 4 and A.4-A.6).</summary>
/// <param name="Model">The model name the trials carry.</param>
/// <param name="DisplayName">The label in figures ("Llama-3.3-70B"); the model name itself for other models.</param>
/// <param name="ParameterBillions">Parameter count in billions, for ordering; 0 when the name gives none.</param>
/// <param name="Colour">The Exp-1 colour (Figures 2, 4, A.2, A.3).</param>
/// <param name="CrossJudgeColour">The Exp-7 colour (Figures A.4-A.6).</param>
public sealed partial record ModelStyle(string Model, string DisplayName, double ParameterBillions, string Colour, string CrossJudgeColour)
{
    /// <summary>The colour of models outside the paper's five.</summary>
    public const string OtherColour = "#888888";

    /// <summary>
    /// The style of a model: the paper's family when the name holds llama+70b, llama+8b, gemma+27b, gemma+9b or
    /// gemma+2b (case-insensitive, ESR_SPEC §2.4), otherwise the name, its "&lt;n&gt;b" size if any, and grey.
    /// </summary>
    public static ModelStyle For(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var name = model.ToLowerInvariant();
        bool llama = name.Contains("llama"), gemma = name.Contains("gemma");
        if (llama && name.Contains("70b")) return new(model, "Llama-3.3-70B", 70, "#1A5276", "#1A5276");
        if (llama && name.Contains("8b")) return new(model, "Llama-3.1-8B", 8, "#5DADE2", "#85C1E9");
        if (gemma && name.Contains("27b")) return new(model, "Gemma-2-27B", 27, "#1E8449", "#D35400");
        if (gemma && name.Contains("9b")) return new(model, "Gemma-2-9B", 9, "#27AE60", "#F39C12");
        if (gemma && name.Contains("2b")) return new(model, "Gemma-2-2B", 2, "#82E0AA", "#FAD7A0");
        var size = SizePattern().Match(name);
        double billions = size.Success ? double.Parse(size.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        return new(model, model, billions, OtherColour, OtherColour);
    }

    /// <summary>
    /// The name a model's rows are pooled under in Figures 2, A.2 and A.3: its paper family (so the layer variants of
    /// a Gemma, e.g. gemma-2-9b-it and gemma-2-9b-res-16k-layer-26, make one row, as the paper's plots group by
    /// display name), otherwise the model's own name. <see cref="For"/> of this name gives the family's style.
    /// </summary>
    public static string FamilyOf(string model) => For(model).DisplayName;

    /// <summary>The models in the paper's Figure-2 order: parameter count descending, then name.</summary>
    public static IReadOnlyList<ModelStyle> LargestFirst(IEnumerable<string> models) =>
        models.Distinct().Select(For).OrderByDescending(s => s.ParameterBillions).ThenBy(s => s.Model, StringComparer.Ordinal).ToList();

    /// <summary>The models in the paper's Figure-4 and A.4 order: parameter count ascending within Gemma, then Llama.</summary>
    public static IReadOnlyList<ModelStyle> GemmaThenLlama(IEnumerable<string> models) =>
        models.Distinct().Select(For)
            .OrderBy(s => s.DisplayName.StartsWith("Llama", StringComparison.Ordinal) ? 1 : 0)
            .ThenBy(s => s.ParameterBillions).ThenBy(s => s.Model, StringComparer.Ordinal).ToList();

    [GeneratedRegex(@"(\d+(?:\.\d+)?)b\b")]
    private static partial Regex SizePattern();
}
