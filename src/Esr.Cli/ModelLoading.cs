using Esr.Kernel.Models;
using static TorchSharp.torch;

namespace Esr.Cli;

/// <summary>
/// Loads a model directory with an error that names the directory when there is none: the experiment commands' way,
/// which goes when they run on the kernel's catalog; the model commands load through <see cref="Workbench.Load"/>.
/// </summary>
internal static class ModelLoading
{
    /// <exception cref="EsrInputException">The directory does not exist.</exception>
    /// <exception cref="ModelFormatException">A model file is missing or malformed.</exception>
    public static CausalLanguageModel Load(string directory, ScalarType dtype)
    {
        RequireDirectory(directory);
        return CausalLanguageModel.Load(directory, dtype);
    }

    /// <exception cref="EsrInputException">The directory does not exist.</exception>
    public static void RequireDirectory(string directory)
    {
        if (File.Exists(directory))
            throw new EsrInputException($"--model '{directory}' is a file; expected a model directory");
        if (!Directory.Exists(directory))
            throw new EsrInputException($"--model '{directory}': no such directory");
    }
}
