using System.CommandLine;
using System.Globalization;
using Esr.Kernel.Interventions;
using Esr.Kernel.Models;
using Esr.Kernel.Saes;

namespace Esr.Cli;

/// <summary>
/// The SAE options of <c>logits</c> and <c>generate</c>: <c>--sae PATH --layer L</c> with repeatable
/// <c>--steer LATENT=VALUE</c> (add), <c>--clamp LATENT=VALUE</c> and <c>--ablate L1,L2,...</c>, applied in the
/// order add, clamp, ablate at <c>blocks.L.resid_post</c>, every position, with the semantics of
/// <see cref="SaeInterventionHook"/>.
/// </summary>
internal sealed class SaeSteeringOptions
{
    public Option<string> Sae { get; } = new("--sae") { Description = "SAE: a SAELens folder, a GemmaScope params.npz or a Goodfire .pth/.pt", HelpName = "path" };

    public Option<int> Layer { get; } = CliOptions.Integer("--layer", -1, "Decoder block whose output (blocks.L.resid_post) the SAE edits", minimum: 0);

    public Option<string[]> Steer { get; } = Repeatable("--steer", "latent=value", "Add value × the latent's decoder direction; repeatable");

    public Option<string[]> Clamp { get; } = Repeatable("--clamp", "latent=value", "Set the latent's activation to value, keeping the SAE's reconstruction error; repeatable");

    public Option<string[]> Ablate { get; } = Repeatable("--ablate", "l1,l2,...", "Set these latents' activations to 0, keeping the reconstruction error; repeatable");

    public IEnumerable<Option> All => [Sae, Layer, Steer, Clamp, Ablate];

    private static Option<string[]> Repeatable(string name, string helpName, string description) => new(name)
    {
        Description = description, HelpName = helpName, Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Reads and checks the values (no files are opened): null when no SAE option was given.</summary>
    /// <exception cref="EsrInputException">A malformed value, or interventions without both --sae and --layer.</exception>
    public SaeSteering? Read(ParseResult parse)
    {
        var sae = parse.GetValue(Sae);
        var layer = parse.GetValue(Layer);
        var interventions = new List<SaeIntervention>();
        foreach (var value in parse.GetValue(Steer) ?? [])
        {
            var (latent, amount) = LatentValue("--steer", value);
            interventions.Add(new AddLatent(latent, amount));
        }
        foreach (var value in parse.GetValue(Clamp) ?? [])
        {
            var (latent, amount) = LatentValue("--clamp", value);
            interventions.Add(new ClampLatent(latent, amount));
        }
        foreach (var value in parse.GetValue(Ablate) ?? [])
            interventions.Add(new AblateLatents(LatentList("--ablate", value)));
        if (sae is null && layer < 0 && interventions.Count == 0) return null;
        if (sae is null) throw new EsrInputException("--steer, --clamp, --ablate and --layer need --sae <path>");
        if (layer < 0) throw new EsrInputException("--sae needs --layer <L>, the block whose output it edits");
        if (interventions.Count == 0) throw new EsrInputException("--sae needs at least one --steer, --clamp or --ablate");
        return new SaeSteering(sae, layer, interventions);
    }

    /// <summary>Parses <c>LATENT=VALUE</c>.</summary>
    internal static (int Latent, float Value) LatentValue(string option, string text)
    {
        var equals = text.IndexOf('=');
        if (equals <= 0 || equals == text.Length - 1)
            throw new EsrInputException($"{option} '{text}' is not latent=value (e.g. 1234=8.5)");
        var latent = Latent(option, text, text[..equals]);
        var valueText = text[(equals + 1)..].Trim();
        if (!float.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !float.IsFinite(value))
            throw new EsrInputException($"{option} '{text}': the value '{valueText}' is not a finite number");
        return (latent, value);
    }

    /// <summary>Parses <c>L1,L2,...</c>.</summary>
    internal static int[] LatentList(string option, string text)
    {
        if (text.Trim().Length == 0) throw new EsrInputException($"{option} is empty (expected comma-separated latents, e.g. 12,345)");
        return text.Split(',').Select(part => Latent(option, text, part)).ToArray();
    }

    private static int Latent(string option, string whole, string part)
    {
        part = part.Trim();
        if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var latent))
            throw new EsrInputException($"{option} '{whole}': the latent '{part}' is not a non-negative integer");
        return latent;
    }
}

/// <summary>Checked SAE interventions from the command line, to load against a model.</summary>
/// <param name="SaePath">The SAE path, as given.</param>
/// <param name="Layer">The block L of <c>blocks.L.resid_post</c>.</param>
/// <param name="Interventions">Adds, then clamps, then ablations.</param>
internal sealed record SaeSteering(string SaePath, int Layer, IReadOnlyList<SaeIntervention> Interventions)
{
    /// <summary>
    /// Loads the SAE in the model's dtype, checks it and the latents against the model, and adds the hook to
    /// <paramref name="hooks"/> (created when null). The caller disposes the returned SAE and hook.
    /// </summary>
    /// <exception cref="EsrInputException">The layer is outside the model, the SAE's d_in is not d_model, or a latent is outside the SAE.</exception>
    public (ActivationHooks Hooks, IDisposable Owned) AddTo(ActivationHooks? hooks, CausalLanguageModel model)
    {
        var sae = LoadFor(SaePath, Layer, model);
        try
        {
            foreach (var latent in Interventions.SelectMany(Latents))
            {
                if (latent >= sae.LatentCount)
                    throw new EsrInputException($"latent {latent} is outside the SAE {SaePath} (latents 0 to {sae.LatentCount - 1})");
            }
            var hook = SaeInterventionHook.ForAllRows(sae, Interventions);
            hooks ??= new ActivationHooks();
            hooks.Add(HookPoint.ResidPost(Layer), hook);
            return (hooks, new Both(hook, sae));
        }
        catch
        {
            sae.Dispose();
            throw;
        }
    }

    /// <summary>Loads an SAE for <c>blocks.layer.resid_post</c> of a model, in its dtype and on its device.</summary>
    /// <exception cref="EsrInputException">The layer is outside the model or the widths differ.</exception>
    internal static SparseAutoencoder LoadFor(string path, int layer, CausalLanguageModel model)
    {
        if (layer >= model.Config.LayerCount)
            throw new EsrInputException($"--layer {layer}: the model has blocks 0 to {model.Config.LayerCount - 1}");
        var sae = SaeLoader.Load(path, model.Dtype);
        if (sae.InputWidth != model.Config.HiddenSize)
        {
            sae.Dispose();
            throw new EsrInputException($"{path}: the SAE's d_in is {sae.InputWidth} but the model's d_model is {model.Config.HiddenSize}");
        }
        return sae;
    }

    private static IEnumerable<int> Latents(SaeIntervention intervention) => intervention switch
    {
        AddLatent add => [add.Latent],
        ClampLatent clamp => [clamp.Latent],
        AblateLatents ablate => ablate.Latents,
        _ => [],
    };

    private sealed class Both(IDisposable first, IDisposable second) : IDisposable
    {
        public void Dispose()
        {
            first.Dispose();
            second.Dispose();
        }
    }
}
