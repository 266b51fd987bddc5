using Esr.Kernel.Experiments;

namespace Esr.Kernel.Tests.Experiments.Readouts;

[Collection(TinyChatModelCollection.Name)]
public class LatentFiringRatesTests(TinyChatModel tiny)
{
    private const string Prompt = "Explain probability.";

    [Fact]
    public void Rates_count_the_response_tokens_read_after_their_prompt_dead_latents_never_and_the_always_active_one_always()
    {
        var trial = Trials.Make(9, 1, null, response: "Probability is a ratio of outcomes.", prompt: Prompt);

        var rates = LatentFiringRates.Measure(tiny.Readout, [trial]);

        Assert.Equal(TinyChatModel.Latents, rates.Length);
        Assert.All(TinyChatModel.DeadLatents, dead => Assert.Equal(0, rates[dead]));
        Assert.Equal(1, rates[TinyChatModel.AlwaysActiveLatent]);
        // Independently: the same tokens read whole, the response's rows counted.
        var prompt = tiny.Readout.PromptIds(Prompt);
        var response = tiny.Readout.Tokenizer.Encode(trial.Response);
        var trace = tiny.Readout.Read([.. prompt, .. response], null);
        for (var latent = 0; latent < TinyChatModel.Latents; latent++)
            Assert.Equal(trace.Of(latent).Skip(prompt.Length).Count(a => a > 0) / (double)response.Length, rates[latent], 12);
    }

    [Fact]
    public void Responses_pool_by_token_and_errored_or_empty_trials_are_skipped()
    {
        var shorter = Trials.Make(9, 1, null, response: "Odds.", prompt: Prompt);
        var longer = Trials.Make(9, 2, null, response: "Probability is the share of outcomes that count, over all of them.", prompt: Prompt);
        var (a, b) = (tiny.Readout.Tokenizer.Encode(shorter.Response).Length, tiny.Readout.Tokenizer.Encode(longer.Response).Length);

        var pooled = LatentFiringRates.Measure(tiny.Readout, [shorter, longer, Trials.Make(9, 3, null, response: ""), Trials.Make(9, 4, null, error: "judge failed")]);

        var (alone, other) = (LatentFiringRates.Measure(tiny.Readout, [shorter]), LatentFiringRates.Measure(tiny.Readout, [longer]));
        Assert.All(Enumerable.Range(0, TinyChatModel.Latents), l => Assert.Equal((alone[l] * a + other[l] * b) / (a + b), pooled[l], 12));
        Assert.Throws<ArgumentException>(() => LatentFiringRates.Measure(tiny.Readout, [Trials.Make(9, 3, null, response: "")]));
    }
}
