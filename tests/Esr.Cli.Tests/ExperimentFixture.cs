using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Esr.Kernel.Saes;
using TorchSharp.PyBridge;
using Esr.Kernel.Tests.Judging;
using static TorchSharp.torch;

namespace Esr.Cli.Tests;

/// <summary>
/// What the experiment tests share: an SAE for the tiny Llama whose latents 0-23 never fire (so the all-zero
/// relevance filter has survivors), a loopback OpenAI-compatible judge whose verdict is a function of the request
/// (so reruns grade identically), and the paper's data folder.
/// </summary>
public static class ExperimentFixture
{
    public const int DeadLatents = 24;

    /// <summary>The paper's data folder: ../shared/data/esr above the repository.</summary>
    public static string DataDirectory
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "shared", "data", "esr");
                if (File.Exists(Path.Combine(candidate, "prompts.txt"))) return candidate;
            }
            throw new DirectoryNotFoundException("no shared/data/esr/prompts.txt above the test folder");
        }
    }

    /// <summary>A standard SAELens SAE (d_in 64, 32 latents) whose first <see cref="DeadLatents"/> latents have a very negative bias.</summary>
    public static string WriteSae(string folder)
    {
        var generator = new TorchSharp.torch.Generator(5);
        var bias = randn([SaeCommandTests.Width], generator: generator) * 0.1f;
        bias.narrow(0, 0, DeadLatents).fill_(-1e4f);
        return WriteSae(folder, randn([64, SaeCommandTests.Width], generator: generator) * 0.5f, bias, randn([SaeCommandTests.Width, 64], generator: generator));
    }

    /// <summary>A standard SAELens SAE (d_in 64) with these weights: encoder [64, width], its bias [width], decoder [width, 64].</summary>
    public static string WriteSae(string folder, Tensor encoder, Tensor encoderBias, Tensor decoder)
    {
        var weights = new Dictionary<string, Tensor> { ["W_enc"] = encoder, ["b_enc"] = encoderBias, ["W_dec"] = decoder, ["b_dec"] = zeros([64]) };
        File.WriteAllText(Path.Combine(folder, SaeLoader.SaeLensConfigFile),
            JsonSerializer.Serialize(new { architecture = "standard", d_in = 64, d_sae = encoder.shape[1], apply_b_dec_to_input = false, normalize_activations = "none" }));
        Safetensors.SaveStateDict(Path.Combine(folder, SaeLoader.SaeLensWeightsFile), weights);
        return folder;
    }

    /// <summary>A judge server: one or two attempts with scores drawn from a hash of the request body.</summary>
    internal static LoopbackServer Judge(TimeSpan delay = default) => new(request =>
    {
        var hash = BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(request.Body)));
        var attempts = hash % 3 == 0
            ? $"[{{\"attempt_text\": \"first\", \"score\": {hash % 101}}}, {{\"attempt_text\": \"second\", \"score\": {hash / 101 % 101}}}]"
            : $"[{{\"attempt_text\": \"only\", \"score\": {hash % 101}}}]";
        return new ScriptedReply(200, WireFormats.OpenAiCompletion($"Graded.\n<json>{{\"attempts\": {attempts}}}</json>"), Delay: delay);
    });
}
