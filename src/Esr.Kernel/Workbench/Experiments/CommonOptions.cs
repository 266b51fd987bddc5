using Esr.Kernel.Options;

namespace Esr.Kernel;

/// <summary>The options several experiments take, declared once.</summary>
internal static class CommonOptions
{
    /// <summary><c>--dtype float32|bfloat16</c>, float32 by default.</summary>
    public static OptionSpec Dtype { get; } = OptionSpec.Choice("--dtype", "Weights and activations dtype", ["float32", "bfloat16"], "float32");

    /// <summary><c>--device cpu|cuda|cuda:N</c>, the CPU by default (<see cref="ComputeDevice"/>).</summary>
    public static OptionSpec Device { get; } = OptionSpec.Text("--device", "Where the model computes: cpu, cuda or cuda:N (docs/GPU.md)", "cpu|cuda|cuda:N", defaultValue: "cpu");

    /// <summary><c>--judge-prompt-file</c>: texts replacing the built-in judge prompt.</summary>
    public static OptionSpec JudgePromptFile { get; } = OptionSpec.Path(JudgeFactory.PromptFileOption,
        "A JSON file {\"system\": ..., \"instructions\": ...} replacing the built-in judge prompt", "file.json");

    /// <summary><c>--api-key-env</c> with its description.</summary>
    public static OptionSpec ApiKeyEnv(string description) => OptionSpec.Text("--api-key-env", description, "variable");
}
