using TorchSharp;

namespace Esr.Kernel;

/// <summary>How <see cref="Workbench.Load"/> loads a model. Every value is checked once, at load.</summary>
public sealed record LoadOptions
{
    /// <summary>Float32 on the CPU, the model's own quirk defaults, no extra SAE.</summary>
    public static LoadOptions Default { get; } = new();

    /// <summary>"float32" (the default) or "bfloat16": the dtype of the weights and activations.</summary>
    public string Dtype { get; init; } = "float32";

    /// <summary>"cpu" (the default), "cuda" or "cuda:N" (<see cref="ComputeDevice"/>).</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>
    /// The paper's extra Llama assistant header after the generation prompt (ESR_SPEC §1.5, quirk 4); null takes the
    /// model's default: on for the paper's Llama configurations, off otherwise.
    /// </summary>
    public bool? PaperExtraHeader { get; init; }

    /// <summary>
    /// The fork's Llama final-norm quirk (ESR_SPEC §1.3, "Llama final norm"); null takes the model's default: on for the
    /// paper's Llama configurations, off otherwise. Recorded in <see cref="ModelQuirks"/>.
    /// </summary>
    public bool? PaperFinalNorm { get; init; }

    /// <summary>An SAE to attach at load (a path, a toy name or a paper name, as <see cref="LoadedModel.AttachSae"/> takes); null for the model's default.</summary>
    public string? Sae { get; init; }

    /// <summary>The block of <see cref="Sae"/>; null for the SAE's own (toy and paper SAEs know theirs).</summary>
    public int? SaeLayer { get; init; }

    /// <summary>The Hugging Face cache root; null for <c>HF_HOME</c>, else <c>~/.cache/huggingface</c>.</summary>
    public string? HuggingFaceHome { get; init; }

    // How errors name the fields (EsrInputException.Input), so that front ends can say their own option instead.
    internal const string SaeInput = $"{nameof(LoadOptions)}.{nameof(Sae)}";
    internal const string SaeLayerInput = $"{nameof(LoadOptions)}.{nameof(SaeLayer)}";
    internal const string PaperFinalNormInput = $"{nameof(LoadOptions)}.{nameof(PaperFinalNorm)}";

    /// <summary>The dtype as TorchSharp names it.</summary>
    /// <exception cref="EsrInputException"><see cref="Dtype"/> is not float32 or bfloat16.</exception>
    internal torch.ScalarType ScalarType => Dtype switch
    {
        "float32" => torch.ScalarType.Float32,
        "bfloat16" => torch.ScalarType.BFloat16,
        _ => throw new EsrInputException($"LoadOptions.Dtype '{Dtype}' is not supported (expected float32 or bfloat16)"),
    };
}
