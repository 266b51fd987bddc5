using Esr.Kernel.Saes.Training;
using Esr.Kernel.Training;

namespace Esr.Kernel.Toy;

/// <summary>Everything that determines the toy zoo; the same settings rebuild the same files.</summary>
/// <param name="Sizes">The model sizes; each gets a base model, its SAE and a steering-aware fine-tune.</param>
/// <param name="MainSize">The size that also gets the mixing-ratio sweeps.</param>
/// <param name="Ratios">Plain self-correction fine-tunes of the main size (their drift is the world's subject sentences).</param>
/// <param name="SteeringAwareRatios">Steering-aware fine-tunes of the main size.</param>
/// <param name="SteeringAwareRatio">The steering-aware fine-tune of every other size.</param>
/// <param name="Base">Training of every base model (one schedule for every size).</param>
/// <param name="FineTune">Training of every fine-tune.</param>
/// <param name="Sae">SAE training (Latents comes from the size).</param>
/// <param name="BaseEpisodes">Episodes in the base corpus.</param>
/// <param name="BaseDrift">The share of coherent-drift episodes in the base corpus (<see cref="ToyMixture.BaseWithDrift"/>).</param>
/// <param name="FineTuneEpisodes">Episodes in each fine-tuning corpus.</param>
/// <param name="SaeEpisodes">Episodes whose tokens the SAE is trained and labelled on.</param>
/// <param name="SaeSubjectShare">The share of subject answers among them (the rest are task answers), so that every subject has tokens enough for a latent of its own.</param>
/// <param name="SteeringBoosts">The range of add-steering boosts of steering-aware episodes, in units of the base model's calibrated threshold (the boost whose first-attempt score is 30).</param>
/// <param name="Seed">The root seed.</param>
/// <param name="SteeredDrift">When set, the base's second stage that makes steering write the subject's sentences.</param>
/// <param name="MetaPrompts">When set, the steering-aware fine-tunes also learn the toy meta-prompts of experiment 5 (self_monitor makes them restart more often).</param>
/// <param name="TrainedDetectors">
/// When above 0, how many SAE latents each steering-aware fine-tune learns to restart through: a third of the way
/// through its training, the toy world's detector discovery over its own steered answers picks them, and from then
/// on every steered coherent-drift episode (the drift that goes on without a return) carries them zero-ablated, so
/// that a restart comes to need them (needs <see cref="SteeredDrift"/>).
/// </param>
/// <param name="DetectorActivityWeight">
/// When above 0, from the same step the trained detectors also learn to fire on the fine-tune's off-topic text and to
/// stay quiet on its task text, with this weight against the next-token loss (<see cref="DetectorActivity"/>), so that
/// they are detectors by their activity too, not only by the restarts' need of them.
/// </param>
public sealed record ToyZooSettings(
    IReadOnlyList<ToySize> Sizes, string MainSize, IReadOnlyList<double> Ratios, IReadOnlyList<double> SteeringAwareRatios, double SteeringAwareRatio,
    TrainingSettings Base, TrainingSettings FineTune, SaeTrainingSettings Sae,
    int BaseEpisodes, double BaseDrift, int FineTuneEpisodes, int SaeEpisodes, double SaeSubjectShare, (double Low, double High) SteeringBoosts, int Seed,
    ToySteeredDrift? SteeredDrift = null, ToyMetaPrompts? MetaPrompts = null, int TrainedDetectors = 0, double DetectorActivityWeight = 0)
{
    /// <summary>
    /// Toy world I, the first zoo (docs/TOY_WORLD.md, "Toy world I"): three sizes; at size m plain self-correction at
    /// 30 and 90 % and steering-aware fine-tunes at 30, 60 and 90 %; a steering-aware 60 % fine-tune of the other
    /// sizes; an L1 SAE. Steering writes word salad. Kept so that the first zoo's numbers can be rebuilt
    /// (<c>esr toy build --recipe first</c>); <see cref="QuietDetectors"/> adds to it.
    /// </summary>
    public static ToyZooSettings First { get; } = new(
        Sizes:
        [
            new ToySize("s", Layers: 2, Hidden: 64, Heads: 4, FeedForward: 176, SaeBlock: 0, SaeLatents: 2048),
            new ToySize("m", Layers: 3, Hidden: 96, Heads: 4, FeedForward: 256, SaeBlock: 1, SaeLatents: 4096),
            new ToySize("l", Layers: 4, Hidden: 112, Heads: 4, FeedForward: 304, SaeBlock: 1, SaeLatents: 4096),
        ],
        MainSize: "m",
        Ratios: [0.3, 0.9],
        SteeringAwareRatios: [0.3, 0.6, 0.9],
        SteeringAwareRatio: 0.6,
        Base: new TrainingSettings(Steps: 1000, BatchSize: 32, LearningRate: 4e-3, WarmupSteps: 50, Seed: 1, LogEvery: 100),
        FineTune: new TrainingSettings(Steps: 300, BatchSize: 32, LearningRate: 1e-3, WarmupSteps: 20, Seed: 2, LogEvery: 100),
        Sae: new SaeTrainingSettings(Latents: 0, L1Coefficient: 0.25, Steps: 3000, BatchSize: 512, LearningRate: 3e-3, Seed: 3, LogEvery: 500),
        BaseEpisodes: 20000, BaseDrift: 0, FineTuneEpisodes: 4000, SaeEpisodes: 2000, SaeSubjectShare: 0.6, SteeringBoosts: (0.8, 1.5), Seed: 6);

    /// <summary>
    /// Toy world II before its detectors learned to fire (<c>esr toy build --recipe quiet-detectors</c>; the committed zoo
    /// until 2026-12-07, kept so that its numbers in docs/TOY_WORLD.md can be rebuilt): <see cref="First"/> with a TopK SAE (k = 16:
    /// 35 of 36 subjects with a latent of purity ≥ 0.8 at size m, against 3 with the L1 SAE; 3,584 latents at size s,
    /// 31 of 36), the steered-drift stage (steering writes the subject's sentences; boosts up to 2.5 median norms;
    /// 1,000 steps at size s, 400 at the others) and 1,200 steered coherent-drift episodes in every fine-tune, which
    /// keep its steered text sentences (toy-m-sa90 and toy-s-sa60, whose thresholds lie past 2.5 norms: 600 at 0.4-4
    /// and 1,500 at 2-4 norms, <see cref="ToyFineTuneDrift"/>; size s fine-tunes 600 steps, the others 300). The
    /// steering-aware fine-tunes also learn the toy meta-prompts: 40 % of their episodes carry one; under
    /// self_monitor 90 % of the task episodes are self-corrections (the ratio of the zoo's sa90, against sa60's 60 %)
    /// whose steered drift is learned too, and 40 % of the steered coherent-drift episodes carry one of the other three
    /// (<see cref="ToyMetaPrompts.OnDrift"/>), so no template shields the answer from steering and only self_monitor
    /// always restarts after it. Their steering boosts span 0.8-2.0 times the base's threshold. They learn to restart
    /// only while 26 latents found on their own steered answers are intact (<see cref="TrainedDetectors"/>), which gives
    /// experiment 3 off-topic detectors to find and ablate; they matter, but fire on few more off-topic tokens than
    /// on-task ones.
    /// </summary>
    public static ToyZooSettings QuietDetectors { get; } = First with
    {
        // Size s gets 3,584 latents: at 2,048, 11 of 36 subjects had a latent of purity >= 0.8; at 4,096, 34 but 1.2 % dead.
        // Its two blocks need 1,000 steps of the steered-drift stage to write the subject's sentences under steering (400: 0.32 of the lost
        // text), and 600 fine-tuning steps to restart through its detectors (300: 6.7 % multi-attempt, too few for experiment 3's test).
        Sizes = [First.Sizes[0] with { SaeLatents = 3584, SteeredDriftSteps = 1000, FineTuneSteps = 600 }, .. First.Sizes.Skip(1)],
        Sae = First.Sae with { TopK = 16 },
        SteeredDrift = new ToySteeredDrift(Share: 0.3, LowBoost: 0.4, HighBoost: 2.5, Episodes: 8000,
            Training: new TrainingSettings(Steps: 400, BatchSize: 32, LearningRate: 1e-3, WarmupSteps: 20, Seed: 4, LogEvery: 100), FineTuneEpisodes: 1200,
            // With 1,200 at 0.4-2.5 norms, toy-m-sa90 drifted unsteered (first attempt 77.8) and wrote 0.49 of its lost text
            // as the subject's; toy-s-sa60 wrote 0.29-0.36 (0.56 with these). 1,200 at 2-4 norms made toy-s-sa60 restart more
            // than toy-m-sa60 (37.2 against 25.0 %), against Figure 2's order by size; 1,800 too rarely for experiment 3's test.
            FineTunes: new Dictionary<string, ToyFineTuneDrift>
            {
                ["toy-m-sa90"] = new(Episodes: 600, LowBoost: 0.4, HighBoost: 4.0),
                ["toy-s-sa60"] = new(Episodes: 1500, LowBoost: 2.0, HighBoost: 4.0),
            }),
        MetaPrompts = new ToyMetaPrompts(Share: 0.4, SelfMonitorRatio: 0.9),
        SteeringBoosts = (0.8, 2.0),
        TrainedDetectors = 26,
    };

    /// <summary>
    /// The committed zoo (toy/zoo), Toy world II (docs/TOY_WORLD.md): <see cref="QuietDetectors"/> whose trained
    /// detectors also learn to fire on the steering-aware fine-tunes' off-topic text and to stay quiet on task text
    /// (<see cref="DetectorActivityWeight"/> 0.5), and toy-m-sa90 gets 1,200 steered coherent-drift episodes at 2-4.5
    /// norms (with the 600 at 0.4-4 of <see cref="QuietDetectors"/> the objective left it 0.38 of its lost text as the
    /// subject's), toy-m-sa30 600 at 2-4 norms (with 1,200 at 0.4-2.5 its few restarts did not pass through its
    /// detectors: ablated they rose from 1.6 to 2.8 % of 900 steered answers). Measured at every size (docs/TOY_WORLD.md,
    /// "Detectors that fire"): experiment 9's off-topic region reads 2.1-9.2 times the baseline
    /// (<see cref="QuietDetectors"/>: 1.5-2.4; the paper: 4.4), held-out subjects restart up to 40 % of the time, and
    /// steering still writes the subject's sentences (0.52-0.80 of the lost text).
    /// </summary>
    public static ToyZooSettings Default { get; } = QuietDetectors with
    {
        DetectorActivityWeight = 0.5,
        SteeredDrift = QuietDetectors.SteeredDrift! with
        {
            FineTunes = new Dictionary<string, ToyFineTuneDrift>(QuietDetectors.SteeredDrift.FineTunes!)
            {
                ["toy-m-sa90"] = new(Episodes: 1200, LowBoost: 2.0, HighBoost: 4.5),
                ["toy-m-sa30"] = new(Episodes: 600, LowBoost: 2.0, HighBoost: 4.0),
            },
        },
    };

    /// <summary>Whether the trained detectors also learn to fire on off-topic text (<see cref="DetectorActivityWeight"/> above 0).</summary>
    public bool DetectorsLearnToFire => DetectorActivityWeight > 0;

    /// <summary>
    /// A size's share of a build's work, to split a build over processes: its model's parameters (embeddings included)
    /// times the training steps of its base, its steered-drift stage and its fine-tunes.
    /// </summary>
    /// <param name="size">One of <see cref="Sizes"/>.</param>
    /// <param name="vocabulary">The toy tokenizer's size.</param>
    public double BuildWork(ToySize size, int vocabulary)
    {
        ArgumentNullException.ThrowIfNull(size);
        var parameters = (double)vocabulary * size.Hidden + size.Layers * (4.0 * size.Hidden * size.Hidden + 3.0 * size.Hidden * size.FeedForward);
        var fineTunes = size.Name == MainSize ? Ratios.Count + SteeringAwareRatios.Count : 1;
        var stageSteps = SteeredDrift is { } stage ? size.SteeredDriftTraining(stage).Steps : 0;
        return parameters * (Base.Steps + stageSteps + fineTunes * size.FineTuneTraining(FineTune).Steps);
    }
}
