using System.Text.Json;
using Esr.Kernel.Formats;
using Esr.Kernel.Hooks;
using Esr.Kernel.Interventions;
using Esr.Kernel.Models;

namespace Esr.Cli.Tests;

[Collection(TinyLlamaCollection.Name)]
public class LogitsCommandTests(TinyLlama tiny)
{
    private static readonly int[] Ids = [128000, 849, 21435, 1268, 264];
    private static readonly string IdList = string.Join(",", Ids);

    private async Task<float[][]> LogitsAsync(params string[] extra)
    {
        var run = await CliRun.InProcessAsync(["logits", "--model", tiny.ModelDirectory, "--ids", IdList, .. extra]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("", run.Stderr);
        return JsonSerializer.Deserialize<float[][]>(run.Stdout)!;
    }

    private string Vector(int seed, float scale = 1)
    {
        var random = new Random(seed);
        var values = Enumerable.Range(0, tiny.Model.Config.HiddenSize).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale).ToArray();
        var path = Path.Combine(tiny.NewFolder(), $"v{seed}.npy");
        NpyVector.Write(path, values);
        return path;
    }

    private static ActivationHooks Steering(params (int Block, string File)[] vectors)
    {
        var hooks = new ActivationHooks();
        foreach (var (block, file) in vectors) hooks.Add(HookPoint.ResidPost(block), VectorSteering.ForAllRows(NpyVector.Read(file)));
        return hooks;
    }

    [Fact]
    public async Task Logits_are_one_vocabulary_sized_row_per_position_equal_to_the_library()
    {
        var logits = await LogitsAsync();

        Assert.Equal(Ids.Length, logits.Length);
        Assert.All(logits, row => Assert.Equal(128256, row.Length));
        Assert.Equal(tiny.Model.Logits(Ids), logits);
    }

    [Fact]
    public async Task The_paper_final_norm_gives_the_library_logits_with_the_quirk_and_moves_them_by_units()
    {
        using var quirk = CausalLanguageModel.Load(tiny.ModelDirectory);
        quirk.PaperFinalNorm = true;

        var logits = await LogitsAsync("--paper-final-norm");

        Assert.Equal(quirk.Logits(Ids), logits);
        var moved = tiny.Model.Logits(Ids).Zip(logits).Max(rows => rows.First.Zip(rows.Second).Max(pair => Math.Abs(pair.First - pair.Second)));
        Assert.True(moved > 1, $"the quirk moved the logits by only {moved}");
    }

    [Fact]
    public async Task The_paper_final_norm_on_a_gemma_model_is_one_error_line()
    {
        var gemma = Path.Combine(tiny.NewFolder(), "gemma");
        Assert.Equal(0, (await CliRun.InProcessAsync("random-model", "--out", gemma, "--architecture", "gemma2", "--vocab-size", "300", "--hidden-size", "32", "--layers", "1")).ExitCode);

        var run = await CliRun.InProcessAsync("logits", "--model", gemma, "--ids", "1,2", "--paper-final-norm");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("esr: --paper-final-norm applies to Llama models only; this model is Gemma2 (its fork kept the standard final norm)", Assert.Single(run.StderrLines));
    }

    [Fact]
    public async Task The_output_is_only_a_json_array_and_a_newline()
    {
        var run = await CliRun.InProcessAsync("logits", "--model", tiny.ModelDirectory, "--ids", "128000, 849");

        Assert.StartsWith("[[", run.Stdout);
        Assert.EndsWith("]]\n", run.Stdout);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(run.Stdout).RootElement.ValueKind);
    }

    [Fact]
    public async Task A_zero_steering_vector_leaves_the_logits_unchanged()
    {
        var zero = Path.Combine(tiny.NewFolder(), "zero.npy");
        NpyVector.Write(zero, new float[tiny.Model.Config.HiddenSize]);

        Assert.Equal(tiny.Model.Logits(Ids), await LogitsAsync("--steer-vector", $"0:{zero}"));
    }

    [Fact]
    public async Task A_steering_vector_changes_the_logits_exactly_as_the_library_hook_does()
    {
        var vector = Vector(1);

        var steered = await LogitsAsync("--steer-vector", $"1:{vector}");

        Assert.NotEqual(tiny.Model.Logits(Ids), steered);
        Assert.Equal(tiny.Model.Logits(Ids, Steering((1, vector))), steered);
    }

    [Fact]
    public async Task Two_steering_vectors_add()
    {
        var first = Vector(2);
        var second = Vector(3);
        var firstValues = NpyVector.Read(first);
        var sum = Path.Combine(tiny.NewFolder(), "sum.npy");
        NpyVector.Write(sum, NpyVector.Read(second).Select((value, i) => value + firstValues[i]).ToArray());

        var both = await LogitsAsync("--steer-vector", $"0:{first}", "--steer-vector", $"0:{second}");

        Assert.Equal(tiny.Model.Logits(Ids, Steering((0, first), (0, second))), both);
        var summed = await LogitsAsync("--steer-vector", $"0:{sum}");
        for (var position = 0; position < both.Length; position++)
        {
            for (var token = 0; token < both[position].Length; token += 997) Assert.Equal(summed[position][token], both[position][token], 1e-4f);
        }
        Assert.NotEqual(await LogitsAsync("--steer-vector", $"0:{first}"), both);
    }

    [Fact]
    public async Task Vectors_at_different_blocks_are_each_added_at_their_own_block()
    {
        var first = Vector(4);
        var second = Vector(5);

        Assert.Equal(
            tiny.Model.Logits(Ids, Steering((0, first), (1, second))),
            await LogitsAsync("--steer-vector", $"0:{first}", "--steer-vector", $"1:{second}"));
    }

    [Fact]
    public async Task Bfloat16_logits_equal_the_library_in_bfloat16()
    {
        using var model = CausalLanguageModel.Load(tiny.ModelDirectory, TorchSharp.torch.ScalarType.BFloat16);
        var vector = Vector(6);

        Assert.Equal(model.Logits(Ids, Steering((1, vector))), await LogitsAsync("--dtype", "bfloat16", "--steer-vector", $"1:{vector}"));
    }
}
