using System.Text.Json;
using Esr.Kernel.Hooks;
using Esr.Kernel.Interventions;
using Esr.Kernel.Saes;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Esr.Cli.Tests;

/// <summary><c>esr latents</c> and the SAE options of <c>logits</c> and <c>generate</c>, against the library.</summary>
[Collection(TinyLlamaCollection.Name)]
public class SaeCommandTests(TinyLlama tiny)
{
    private static readonly int[] Ids = [128000, 849, 21435, 1268, 264];
    private static readonly string IdList = string.Join(",", Ids);
    internal const int Width = 32;

    /// <summary>A standard SAELens SAE for the tiny model's 64-wide residual, seeded.</summary>
    internal static string WriteSae(string folder, int dIn = 64, int seed = 3)
    {
        var generator = new TorchSharp.torch.Generator((ulong)seed);
        var weights = new Dictionary<string, Tensor>
        {
            ["W_enc"] = randn([dIn, Width], generator: generator) * 0.5f,
            ["b_enc"] = randn([Width], generator: generator) * 0.1f,
            ["W_dec"] = randn([Width, dIn], generator: generator),
            ["b_dec"] = randn([dIn], generator: generator) * 0.1f,
        };
        File.WriteAllText(Path.Combine(folder, SaeLoader.SaeLensConfigFile),
            JsonSerializer.Serialize(new { architecture = "standard", d_in = dIn, d_sae = Width, apply_b_dec_to_input = false, normalize_activations = "none" }));
        Safetensors.SaveStateDict(Path.Combine(folder, SaeLoader.SaeLensWeightsFile), weights);
        return folder;
    }

    private string Sae() => WriteSae(tiny.NewFolder());

    private async Task<float[][]> LogitsAsync(params string[] extra)
    {
        var run = await CliRun.InProcessAsync(["logits", "--model", tiny.ModelDirectory, "--ids", IdList, .. extra]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("", run.Stderr);
        return JsonSerializer.Deserialize<float[][]>(run.Stdout)!;
    }

    private float[][] Library(string saePath, int layer, params Intervention[] interventions)
    {
        using var sae = SaeLoader.Load(saePath);
        using var hook = InterventionHook.ForAllRows(sae, interventions);
        return tiny.Model.Logits(Ids, new ActivationHooks().Add(HookPoint.ResidPost(layer), hook));
    }

    [Fact]
    public async Task Logits_with_steer_clamp_and_ablate_equal_the_library()
    {
        var sae = Sae();
        var cli = await LogitsAsync("--sae", sae, "--layer", "1", "--steer", "3=6.5", "--steer", "7=-2", "--clamp", "5=4", "--ablate", "1,2", "--ablate", "9");
        var library = Library(sae, 1, new AddLatent(3, 6.5f), new AddLatent(7, -2), new ClampLatent(5, 4), new AblateLatents([1, 2]), new AblateLatents([9]));
        Assert.Equal(library, cli);
        Assert.NotEqual(tiny.Model.Logits(Ids), cli);
    }

    [Fact]
    public async Task A_steer_equals_adding_value_times_the_decoder_direction()
    {
        var sae = Sae();
        var cli = await LogitsAsync("--sae", sae, "--layer", "0", "--steer", "4=3");
        using var loaded = SaeLoader.Load(sae);
        var vector = loaded.DecoderDirection(4).Select(x => 3 * x).ToArray();
        var steered = tiny.Model.Logits(Ids, new ActivationHooks().Add(HookPoint.ResidPost(0), VectorSteering.ForAllRows(vector)));
        for (var position = 0; position < Ids.Length; position++)
        {
            for (var id = 0; id < steered[position].Length; id++)
                Assert.True(Math.Abs(steered[position][id] - cli[position][id]) <= 1e-4f, $"position {position}, id {id}");
        }
    }

    [Fact]
    public async Task Generate_echoes_the_interventions_and_a_zero_steer_changes_nothing()
    {
        var sae = Sae();
        string[] common = ["generate", "--model", tiny.ModelDirectory, "--prompt", "Hi", "--max-tokens", "6", "--temperature", "0", "--json"];
        var plain = await CliRun.InProcessAsync(common);
        var zero = await CliRun.InProcessAsync([.. common, "--sae", sae, "--layer", "1", "--steer", "2=0", "--clamp", "4=1.5", "--ablate", "6,8"]);
        Assert.True(zero.ExitCode == 0, zero.Stderr);
        using var plainJson = JsonDocument.Parse(plain.Stdout);
        using var zeroJson = JsonDocument.Parse(zero.Stdout);
        var settings = zeroJson.RootElement.GetProperty("settings").GetProperty("sae");
        Assert.Equal(1, settings.GetProperty("layer").GetInt32());
        var interventions = settings.GetProperty("interventions").EnumerateArray().ToArray();
        Assert.Equal(["add", "clamp", "ablate"], interventions.Select(i => i.GetProperty("mode").GetString()));
        Assert.Equal([6, 8], interventions[2].GetProperty("latents").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(JsonValueKind.Null, plainJson.RootElement.GetProperty("settings").GetProperty("sae").ValueKind);

        var onlyZero = await CliRun.InProcessAsync([.. common, "--sae", sae, "--layer", "1", "--steer", "2=0"]);
        using var onlyZeroJson = JsonDocument.Parse(onlyZero.Stdout);
        Assert.Equal(plainJson.RootElement.GetProperty("token_ids").GetRawText(), onlyZeroJson.RootElement.GetProperty("token_ids").GetRawText());
    }

    [Fact]
    public async Task Latents_json_lists_the_top_latents_per_token_as_the_library_does()
    {
        var sae = Sae();
        var run = await CliRun.InProcessAsync("latents", "--model", tiny.ModelDirectory, "--sae", sae, "--layer", "1", "--text", "How do volcanoes form", "--top", "3", "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("", run.Stderr);
        var ids = tiny.Tokenizer.Encode("How do volcanoes form", addSpecialTokens: true);
        using var loaded = SaeLoader.Load(sae);
        var recorder = new ActivationRecorder();
        tiny.Model.Logits(ids, new ActivationHooks().Add(HookPoint.ResidPost(1), recorder));
        var rows = recorder.Rows[0];
        var expected = loaded.TopLatents(tensor(rows.SelectMany(row => row).ToArray(), [rows.Count, rows[0].Length]), 3);
        using var json = JsonDocument.Parse(run.Stdout);
        var tokens = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal(ids.Length, tokens.Length);
        for (var position = 0; position < ids.Length; position++)
        {
            Assert.Equal(ids[position], tokens[position].GetProperty("token_id").GetInt32());
            var latents = tokens[position].GetProperty("latents").EnumerateArray().ToArray();
            Assert.InRange(latents.Length, 0, 3);
            Assert.Equal(expected[position].Select(a => a.Latent), latents.Select(l => l.GetProperty("latent").GetInt32()));
            Assert.Equal(expected[position].Select(a => a.Value), latents.Select(l => l.GetProperty("activation").GetSingle()));
            var values = latents.Select(l => l.GetProperty("activation").GetSingle()).ToArray();
            Assert.True(values.SequenceEqual(values.OrderByDescending(v => v)), "strongest first");
            Assert.All(values, v => Assert.True(v > 0));
        }
        Assert.Contains(tokens, token => token.GetProperty("latents").GetArrayLength() > 0);
    }

    [Fact]
    public async Task Latents_text_is_one_line_per_token()
    {
        var sae = Sae();
        var run = await CliRun.InProcessAsync("latents", "--model", tiny.ModelDirectory, "--sae", sae, "--layer", "0", "--text", "Hello there");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var ids = tiny.Tokenizer.Encode("Hello there", addSpecialTokens: true);
        Assert.Equal(ids.Length, lines.Length);
        Assert.StartsWith($"0\t{ids[0]}\t\"<|begin_of_text|>\"\t", lines[0]);
    }
}
