using Esr.Kernel;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Directives;

namespace Esr.Magics;

/// <summary><c>#!esr load &lt;model&gt;</c>: loads a model (and its SAE) into the session and shows its card.</summary>
public sealed class EsrLoad : EsrCommand
{
    /// <summary>A toy name, a paper name, a Hugging Face id in the local cache, or a model directory.</summary>
    public string? Model { get; set; }

    /// <summary>float32 or bfloat16.</summary>
    public string? Dtype { get; set; }

    /// <summary>cpu, cuda or cuda:N.</summary>
    public string? Device { get; set; }

    /// <summary>An SAE path or a toy or paper name.</summary>
    public string? Sae { get; set; }

    /// <summary>The block the SAE reads.</summary>
    public string? Layer { get; set; }

    internal override string DirectiveName => "load";

    internal override string Usage => "load <model> [--dtype float32|bfloat16] [--device cpu|cuda|cuda:N] [--sae <path or registry name>] [--layer <L>]";

    internal override string Summary =>
        "Loads a model (a toy name such as toy-m-sa60, a paper name, a Hugging Face id in the local cache, or a directory) and shows its card; a toy model brings its SAE and exact judge.";

    internal override int Order => 1;

    internal override IEnumerable<KernelDirectiveParameter> Parameters(EsrSession session) =>
    [
        new KernelDirectiveParameter("--model", "A toy name, a paper name, a Hugging Face id in the local cache, or a directory") { AllowImplicitName = true, Required = true }.WithModelNames(),
        new KernelDirectiveParameter("--dtype", "float32 (default) or bfloat16").WithValues("float32", "bfloat16"),
        new KernelDirectiveParameter("--device", "cpu (default), cuda or cuda:N").WithValues("cpu", "cuda", "cuda:0"),
        new KernelDirectiveParameter("--sae", "An SAE folder or file, or a toy or paper name (default: the toy model's own)").WithModelNames(),
        new KernelDirectiveParameter("--layer", "The block the SAE reads (default: the SAE's own)"),
    ];

    internal override Task RunAsync(EsrSession session, KernelInvocationContext context)
    {
        var options = new LoadOptions
        {
            Dtype = Dtype ?? LoadOptions.Default.Dtype,
            Device = Device ?? LoadOptions.Default.Device,
            Sae = Sae,
            SaeLayer = OptionValues.OptionalInteger("--layer", Layer, minimum: 0),
        };
        var model = Workbench.Load(Model!, options);
        session.Use(model);
        Show(context, ModelCard.Of(model));
        return Task.CompletedTask;
    }
}
