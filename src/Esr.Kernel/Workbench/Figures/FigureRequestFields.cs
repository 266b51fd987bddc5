namespace Esr.Kernel;

/// <summary>The fields of a <see cref="FigureRequest"/> a figure reads, so that a front end offers only those.</summary>
[Flags]
public enum FigureRequestFields
{
    /// <summary>Nothing beyond the request's <see cref="FigureRequest.Scale"/>, which every figure saved as PNG uses.</summary>
    None = 0,

    /// <summary><see cref="FigureRequest.Results"/>.</summary>
    Results = 1,

    /// <summary><see cref="FigureRequest.Models"/>.</summary>
    Models = 2,

    /// <summary><see cref="FigureRequest.ExcludeDegraded"/>.</summary>
    ExcludeDegraded = 4,

    /// <summary><see cref="FigureRequest.BoostMean"/> and <see cref="FigureRequest.BoostStd"/>.</summary>
    BoostStatistics = 8,

    /// <summary><see cref="FigureRequest.DetectorCounts"/>.</summary>
    DetectorCounts = 16,
}
