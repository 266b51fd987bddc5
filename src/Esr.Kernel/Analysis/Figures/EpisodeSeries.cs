namespace Esr.Kernel.Analysis.Figures;

/// <summary>One Exp-9 episode as Figure A.15 reads it (ESR_SPEC §7.2 step 4).</summary>
/// <param name="EpisodeId">e.g. "ep_0001".</param>
/// <param name="OffTopicDetectorMean">Per token of the templated sequence, the mean activation over the OTD latents.</param>
/// <param name="BacktrackingMean">Per token, the mean activation over the backtracking latents.</param>
/// <param name="CorrectionToken">Token index where the correction starts; −1 when unknown.</param>
/// <param name="OnTopicToken">Token index where the on-topic answer starts; −1 when unknown.</param>
public sealed record EpisodeSeries(
    string EpisodeId,
    IReadOnlyList<double> OffTopicDetectorMean,
    IReadOnlyList<double> BacktrackingMean,
    int CorrectionToken,
    int OnTopicToken);
