using System.Globalization;
using Esr.Kernel;

namespace Esr.Magics.Formatting;

/// <summary>A model card: what was loaded, where, and with which SAE.</summary>
internal static class ModelCardHtml
{
    public static string Of(ModelCard card)
    {
        var facts = new List<(string, string)>
        {
            ("model", $"{card.Name} ({card.Kind.ToString().ToLowerInvariant()})"),
            ("architecture", card.Architecture),
            ("parameters", card.Parameters.ToString("N0", CultureInfo.InvariantCulture)),
            ("blocks", card.Blocks.ToString(CultureInfo.InvariantCulture)),
            ("d_model", card.DModel.ToString(CultureInfo.InvariantCulture)),
            ("vocabulary · context", $"{card.Vocabulary} · {card.ContextLength}"),
            ("dtype · device", $"{card.Dtype} · {card.Device}"),
        };
        if (card.Sae is { } sae)
        {
            facts.Add(("SAE", sae.Name));
            facts.Add(("SAE width · layer", $"{sae.Width} latents · {sae.Point}{(sae.SteeringPoint == sae.Point ? "" : $" (steers at {sae.SteeringPoint})")}"));
            facts.Add(("labels", $"{sae.LabelCount} labelled latents"));
        }
        else
        {
            facts.Add(("SAE", "none (#!esr load <model> --sae <path or name>)"));
        }
        facts.Add(("default judge", card.DefaultJudge ?? "none (#!esr judge --judge <spec>)"));
        var rows = string.Concat(facts.Select(fact => $"<tr><th>{Html.Text(fact.Item1)}</th><td>{Html.Text(fact.Item2)}</td></tr>"));
        return Html.View("card", $"<table>{rows}</table>");
    }
}
