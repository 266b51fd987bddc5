using Esr.Kernel.Results;

namespace Esr.Kernel.Experiments.Episodes;

/// <summary>A self-correction episode: a trial with exactly two attempts whose second scored higher (ESR_SPEC §7.2 step 2).</summary>
/// <param name="Id">"ep_0001", ... in extraction order.</param>
/// <param name="Trial">The trial it comes from.</param>
/// <param name="FirstScore">The first attempt's score.</param>
/// <param name="SecondScore">The second attempt's score.</param>
/// <param name="FirstAttemptText">The first attempt's text as the judge quoted it.</param>
/// <param name="SecondAttemptText">The second attempt's text.</param>
public sealed record Episode(string Id, TrialRecord Trial, double FirstScore, double SecondScore, string FirstAttemptText, string SecondAttemptText);
