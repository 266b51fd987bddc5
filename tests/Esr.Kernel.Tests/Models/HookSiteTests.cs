using Esr.Kernel.Hooks;
using Esr.Kernel.Interventions;
using Esr.Kernel.Models;
using Esr.LlamaCpp;
using static TorchSharp.torch;

namespace Esr.Kernel.Tests.Models;

/// <summary>The hook sites inside and around a decoder block, on tiny random Llama and Gemma-2 models.</summary>
public sealed class HookSiteTests : IDisposable
{
    private static readonly int[] Prompt = [1, 17, 42, 5, 99, 3, 250, 8];
    private readonly string _root = Directory.CreateTempSubdirectory("esr-hooksites-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string> Families => new() { "llama", "gemma2" };

    private CausalLanguageModel Load(string family)
    {
        var spec = family == "gemma2" ? TinySpec.Gemma2SlidingWindow with { Layers = 2 } : TinySpec.LlamaGqaUntied with { Layers = 2 };
        var directory = Path.Combine(_root, family);
        TinyCheckpoint.Write(directory, spec, seed: 31);
        return CausalLanguageModel.Load(directory);
    }

    private static Dictionary<string, IReadOnlyList<float[]>> RecordAll(CausalLanguageModel model, int block)
    {
        var hooks = new ActivationHooks();
        var recorders = new Dictionary<string, ActivationRecorder>();
        foreach (var site in new[] { HookPoint.ResidualPre, HookPoint.AttentionOut, HookPoint.MlpOut, HookPoint.ResidualPost })
        {
            recorders[site] = new ActivationRecorder();
            hooks.Add(new HookPoint(block, site), recorders[site]);
        }
        model.Logits(Prompt, hooks);
        return recorders.ToDictionary(pair => pair.Key, pair => pair.Value.Rows[0]);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Residual_before_the_mlp_plus_mlp_out_is_resid_post_exactly(string family)
    {
        using var scope = NewDisposeScope();
        using var model = Load(family);
        for (var block = 0; block < 2; block++)
        {
            var seen = RecordAll(model, block);
            Assert.Equal(Prompt.Length, seen[HookPoint.MlpOut].Count);
            for (var token = 0; token < Prompt.Length; token++)
            {
                var pre = seen[HookPoint.ResidualPre][token];
                var attention = seen[HookPoint.AttentionOut][token];
                var mlp = seen[HookPoint.MlpOut][token];
                var post = seen[HookPoint.ResidualPost][token];
                for (var i = 0; i < post.Length; i++)
                {
                    var beforeMlp = pre[i] + attention[i];
                    Assert.Equal(post[i], beforeMlp + mlp[i]);
                }
                Assert.NotEqual(post, mlp);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Resid_pre_of_a_block_is_resid_post_of_the_block_before(string family)
    {
        using var scope = NewDisposeScope();
        using var model = Load(family);
        var after0 = new ActivationRecorder();
        var before1 = new ActivationRecorder();
        model.Logits(Prompt, new ActivationHooks().Add(HookPoint.ResidPost(0), after0).Add(HookPoint.ResidPre(1), before1));
        Assert.Equal(after0.Rows[0], before1.Rows[0]);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void An_edit_at_mlp_out_reaches_the_residual_stream_like_the_same_edit_at_resid_post(string family)
    {
        using var scope = NewDisposeScope();
        using var model = Load(family);
        var random = new Random(3);
        var vector = Enumerable.Range(0, model.Config.HiddenSize).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var plain = model.Logits(Prompt);
        var atBranch = model.Logits(Prompt, new ActivationHooks().Add(HookPoint.MlpOutput(0), VectorSteering.ForAllRows(vector)));
        var atResidual = model.Logits(Prompt, new ActivationHooks().Add(HookPoint.ResidPost(0), VectorSteering.ForAllRows(vector)));
        var attention = model.Logits(Prompt, new ActivationHooks().Add(HookPoint.AttnOut(1), VectorSteering.ForAllRows(vector)));

        for (var token = 0; token < Prompt.Length; token++)
        {
            for (var v = 0; v < plain[token].Length; v++)
                Assert.True(Math.Abs(atBranch[token][v] - atResidual[token][v]) <= 1e-5f, $"token {token} logit {v}");
            Assert.True(plain[token].Zip(atBranch[token]).Max(pair => Math.Abs(pair.First - pair.Second)) > 1e-3f);
            Assert.True(plain[token].Zip(attention[token]).Max(pair => Math.Abs(pair.First - pair.Second)) > 1e-3f);
        }
    }

    [Theory]
    [InlineData("blocks.3.mlp_out", 3, "mlp_out")]
    [InlineData("blocks.0.attn_out", 0, "attn_out")]
    [InlineData("blocks.12.resid_pre", 12, "resid_pre")]
    public void New_sites_parse_in_the_same_grammar(string text, int block, string site)
    {
        var point = HookPoint.Parse(text);
        Assert.Equal(new HookPoint(block, site), point);
        Assert.Equal(text, point.ToString());
        Assert.Throws<FormatException>(() => HookPoint.Parse("blocks.3.mlp_in"));
    }
}
