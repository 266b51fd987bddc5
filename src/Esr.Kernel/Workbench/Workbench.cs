namespace Esr.Kernel;

/// <summary>
/// The entry point of the kernel's facade: what a notebook user writes C# against and what the CLI and the magics
/// call. <c>using Esr.Kernel;</c> is all it needs.
/// </summary>
public static partial class Workbench
{
    /// <summary>
    /// Loads a model with its tokenizer, chat template, stop tokens and quirks: a toy name ("toy-m-sa60", with its own
    /// SAE and labels), a paper short name ("llama-3.1-8b"), a Hugging Face id in the local cache, or a directory.
    /// </summary>
    /// <param name="model">The name (<see cref="ModelReference.Resolve"/>).</param>
    /// <param name="options">Dtype, device, quirks, SAE; null for the defaults.</param>
    /// <exception cref="EsrInputException">Unknown name, missing or malformed files, a bad option, or a device this machine lacks.</exception>
    public static LoadedModel Load(string model, LoadOptions? options = null)
    {
        options ??= LoadOptions.Default;
        return LoadedModel.Load(ModelReference.Resolve(model, options.HuggingFaceHome), options, model);
    }

    /// <summary>The names <see cref="Load"/> knows without a path: the toy models found here and the paper's configurations.</summary>
    public static IReadOnlyList<string> ModelNames => ModelReference.KnownNames();

    /// <summary>The paper's experiments by id (<see cref="ExperimentCatalog.Default"/>): <c>Workbench.Experiments.Get("1").RunAsync(...)</c>.</summary>
    public static ExperimentCatalog Experiments => ExperimentCatalog.Default;

    /// <summary>The figures the workbench draws (<see cref="FigureCatalog.All"/>), each drawn by <see cref="FigureDefinition.Draw"/>.</summary>
    public static IReadOnlyList<FigureDefinition> Figures => FigureCatalog.All;

    /// <summary>The figure with this id ("2", "A16", ...; <see cref="FigureCatalog.Get"/>).</summary>
    /// <exception cref="EsrInputException">No figure has it; the message lists the ids.</exception>
    public static FigureDefinition Figure(string id) => FigureCatalog.Get(id);
}
