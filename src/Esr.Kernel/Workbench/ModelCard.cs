using System.Globalization;
using static TorchSharp.torch;

namespace Esr.Kernel;

/// <summary>What a loaded model is, at a glance: what notebooks show after a load and front ends print.</summary>
/// <param name="Name">The model's name (<see cref="LoadedModel.Name"/>).</param>
/// <param name="Kind">What the name resolved to.</param>
/// <param name="Architecture">The decoder family (Llama, Gemma2).</param>
/// <param name="Parameters">The number of weights.</param>
/// <param name="Blocks">Decoder blocks.</param>
/// <param name="DModel">The residual stream's width.</param>
/// <param name="Vocabulary">Tokens in the vocabulary.</param>
/// <param name="ContextLength">The most positions a sequence may take.</param>
/// <param name="Dtype">float32 or bfloat16.</param>
/// <param name="Device">Where the weights live, e.g. cpu or cuda:0.</param>
/// <param name="Sae">The attached SAE, or null.</param>
/// <param name="DefaultJudge">The judge that fits the model by default, or null.</param>
public sealed record ModelCard(
    string Name, ModelReferenceKind Kind, string Architecture, long Parameters, int Blocks, int DModel, int Vocabulary,
    int ContextLength, string Dtype, string Device, SaeCard? Sae, string? DefaultJudge)
{
    /// <summary>The card of a loaded model and its attached SAE.</summary>
    public static ModelCard Of(LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var config = model.Model.Config;
        var parameters = model.Model.parameters().Sum(parameter => parameter.numel());
        var sae = model.Sae is { } attached
            ? new SaeCard(attached.Name, attached.Width, attached.Point.ToString(), attached.SteeringPoint.ToString(),
                Enumerable.Range(0, attached.Width).Count(latent => attached.Labels?.HasLabel(latent) == true))
            : null;
        return new ModelCard(model.Name, model.Reference.Kind, config.Architecture.ToString(), parameters, config.LayerCount,
            config.HiddenSize, config.VocabularySize, model.ContextLength, DtypeName(model.Model.Dtype), model.Model.Device.ToString(),
            sae, model.DefaultJudge);
    }

    /// <summary>One line per fact.</summary>
    public override string ToString()
    {
        var lines = new List<string>
        {
            $"{Name} ({Kind.ToString().ToLowerInvariant()}): {Architecture}, {Parameters.ToString("N0", CultureInfo.InvariantCulture)} parameters",
            $"blocks {Blocks}, d_model {DModel}, vocabulary {Vocabulary}, context {ContextLength}",
            $"dtype {Dtype}, device {Device}",
            Sae is null ? "SAE: none" : $"SAE {Sae.Name}: {Sae.Width} latents at {Sae.Point}{(Sae.SteeringPoint == Sae.Point ? "" : $", steering at {Sae.SteeringPoint}")}, {Sae.LabelCount} labelled",
            $"default judge: {DefaultJudge ?? "none"}",
        };
        return string.Join('\n', lines);
    }

    private static string DtypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.BFloat16 => "bfloat16",
        var other => other.ToString().ToLowerInvariant(),
    };
}
