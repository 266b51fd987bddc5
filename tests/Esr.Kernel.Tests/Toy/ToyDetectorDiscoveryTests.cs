using Esr.Kernel.Experiments;
using Esr.Kernel.Toy;

namespace Esr.Kernel.Tests.Toy;

/// <summary>The toy world's separability discovery on the committed toy-s-sa60 and its own SAE.</summary>
public sealed class ToyDetectorDiscoveryTests : IDisposable
{
    private readonly LoadedModel _loaded = Workbench.Load("toy-s-sa60");

    public void Dispose() => _loaded.Dispose();

    private ReadoutSetup Readout => new(_loaded.Model, _loaded.Tokenizer, _loaded.Template, _loaded.StopTokenIds, _loaded.Sae!.Sae, _loaded.Sae.Point, _loaded.Sae.SteeringPoint);

    [Fact]
    public void Only_the_first_attempts_scored_sentences_of_steered_trials_are_read_each_token_on_its_sentences_side()
    {
        var result = ToyDetectorDiscovery.Run(Readout, ToyDetectorTrials.All());

        Assert.Equal(2, result.Trials);
        Assert.Equal((ToyDetectorTrials.OffTopicTokens, ToyDetectorTrials.OnTaskTokens), (result.OffTopicTokens, result.OnTaskTokens));
    }

    [Fact]
    public void Reading_sentence_ends_takes_one_token_per_scored_first_attempt_sentence()
    {
        var result = ToyDetectorDiscovery.Run(Readout, ToyDetectorTrials.All(), new ToyDetectorOptions { SentenceEnds = true });

        // Off topic: subject 0's sentence, the garbage and subject 1's; on task: three steps (the cut-off step is not scored).
        Assert.Equal((3, 3), (result.OffTopicTokens, result.OnTaskTokens));
    }

    [Fact]
    public void Steered_latents_are_left_out_and_the_others_come_sorted_by_auc_then_off_topic_mean()
    {
        var everyLatent = new ToyDetectorOptions { Rule = new ToyDetectorRule(MinAuc: 0, MaxDetectors: int.MaxValue) };

        var result = ToyDetectorDiscovery.Run(Readout, ToyDetectorTrials.All(), everyLatent);

        Assert.Equal(ToyDetectorTrials.SteeredLatents, result.SteeredLatents);
        Assert.Equal(_loaded.Sae!.Width - ToyDetectorTrials.SteeredLatents.Length, result.Detectors.Count);
        Assert.DoesNotContain(result.Detectors, d => ToyDetectorTrials.SteeredLatents.Contains(d.Latent));
        Assert.All(result.Detectors.Zip(result.Detectors.Skip(1)), pair =>
            Assert.True(pair.First.Auc > pair.Second.Auc || (pair.First.Auc == pair.Second.Auc && pair.First.OffTopicMean >= pair.Second.OffTopicMean), $"{pair}"));
        Assert.InRange(result.Detectors[0].Auc, 0.5, 1); // some latent tells the sides apart at all
    }

    [Fact]
    public void A_run_without_a_steered_trial_or_without_tokens_on_one_side_is_refused()
    {
        var unsteered = ToyDetectorTrials.All().Select(t => t with { Boost = 0 }).ToArray();
        var offTopicOnly = ToyDetectorTrials.All().Take(1).Select(t => t with { Response = ToyWorld.Default.Subjects[0].Sentences[0] }).ToArray();

        Assert.Equal("none of its 4 trials was steered (boost ≠ 0) without an error",
            Assert.Throws<InvalidDataException>(() => ToyDetectorDiscovery.Run(Readout, unsteered)).Message);
        Assert.StartsWith("the first attempts of its 1 steered trials hold ",
            Assert.Throws<InvalidDataException>(() => ToyDetectorDiscovery.Run(Readout, offTopicOnly)).Message);
    }
}
