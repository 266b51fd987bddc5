using Esr.Kernel.Formats;
using Esr.Kernel.Hooks;
using Esr.Kernel.Models;
using Esr.LlamaCpp;
using static TorchSharp.torch;

namespace Esr.Kernel.Tests.Models;

/// <summary>
/// The paper's Llama final-norm quirk (ESR_SPEC §1.3, §11 quirk 6): the final RMSNorm sees the last block's output
/// plus its post-attention residual once more. Checked against logits computed by hand from hook captures and the
/// checkpoint's own norm and output weights.
/// </summary>
public sealed class PaperFinalNormTests : IDisposable
{
    private static readonly int[] Prompt = [1, 17, 42, 5, 99, 3, 250, 8];
    private readonly TemporaryDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Write(TinySpec spec)
    {
        TinyCheckpoint.Write(_folder.Path, spec, seed: 23);
        return _folder.Path;
    }

    private static double MaxDifference(float[][] a, float[][] b) =>
        a.Zip(b).Max(rows => rows.First.Zip(rows.Second).Max(pair => Math.Abs((double)pair.First - pair.Second)));

    [Fact]
    public void The_final_norm_reads_the_last_output_plus_its_post_attention_residual_and_moves_logits_by_about_their_rms()
    {
        using var scope = NewDisposeScope();
        var spec = TinySpec.LlamaGqaUntied with { Layers = 2 };
        var directory = Write(spec);
        using var model = CausalLanguageModel.Load(directory);
        var last = spec.Layers - 1;
        var plain = model.Logits(Prompt);
        model.PaperFinalNorm = true;
        var sites = new[] { HookPoint.ResidPre(last), HookPoint.AttnOut(last), HookPoint.ResidPost(last) }
            .ToDictionary(point => point, _ => new ActivationRecorder());
        var hooks = new ActivationHooks();
        foreach (var (point, recorder) in sites) hooks.Add(point, recorder);

        var quirk = model.Logits(Prompt, hooks);

        using var weights = SafetensorsFile.Open(Path.Combine(directory, "model.safetensors"));
        var normWeight = weights.Read("model.norm.weight", ScalarType.Float32).data<float>().ToArray();
        var head = weights.Read("lm_head.weight", ScalarType.Float32).data<float>().ToArray();
        var d = spec.HiddenSize;
        var expected = new float[Prompt.Length][];
        for (var token = 0; token < Prompt.Length; token++)
        {
            var pre = sites[HookPoint.ResidPre(last)].Rows[0][token];
            var attention = sites[HookPoint.AttnOut(last)].Rows[0][token];
            var post = sites[HookPoint.ResidPost(last)].Rows[0][token];
            // resid_post + r_mid, with r_mid = resid_pre + attn_out of the last block.
            var input = Enumerable.Range(0, d).Select(i => (double)post[i] + pre[i] + attention[i]).ToArray();
            var inverseRms = 1 / Math.Sqrt(input.Sum(v => v * v) / d + spec.RmsNormEps);
            var normed = input.Select((v, i) => v * inverseRms * normWeight[i]).ToArray();
            expected[token] = Enumerable.Range(0, spec.VocabSize)
                .Select(row => (float)Enumerable.Range(0, d).Sum(i => head[row * d + i] * normed[i])).ToArray();
        }
        Assert.True(MaxDifference(expected, quirk) <= 1e-4, $"largest difference from the hand computation: {MaxDifference(expected, quirk)}");
        // The doubled residual is no rounding matter: the largest logit moves by about one logit RMS on these weights.
        var rms = Math.Sqrt(plain.SelectMany(row => row).Average(v => (double)v * v));
        Assert.True(MaxDifference(plain, quirk) > rms / 2, $"the quirk moved logits by only {MaxDifference(plain, quirk)} (logit RMS {rms})");
    }

    [Fact]
    public void Hook_points_see_the_standard_residual_stream_with_the_quirk_on()
    {
        using var scope = NewDisposeScope();
        using var model = CausalLanguageModel.Load(Write(TinySpec.LlamaGqaUntied with { Layers = 2 }));
        var off = new ActivationRecorder();
        model.Logits(Prompt, new ActivationHooks().Add(HookPoint.ResidPost(1), off));
        model.PaperFinalNorm = true;
        var on = new ActivationRecorder();
        model.Logits(Prompt, new ActivationHooks().Add(HookPoint.ResidPost(1), on));

        Assert.Equal(off.Rows[0], on.Rows[0]);
    }

    [Fact]
    public void Gemma2_refuses_the_quirk_and_keeps_the_standard_final_norm()
    {
        using var scope = NewDisposeScope();
        using var model = CausalLanguageModel.Load(Write(TinySpec.Gemma2SlidingWindow with { Layers = 2 }));

        var error = Assert.Throws<InvalidOperationException>(() => model.PaperFinalNorm = true);

        Assert.Contains("only for Llama", error.Message);
        Assert.False(model.PaperFinalNorm);
    }
}
