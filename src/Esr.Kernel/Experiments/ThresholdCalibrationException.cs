namespace Esr.Kernel.Experiments;

/// <summary>A threshold search gave up: too many judge failures or too many empty judgements for one sample.</summary>
public sealed class ThresholdCalibrationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ThresholdCalibrationException(string message, int emptyRetries, int judgeErrors) : base(message)
    {
        EmptyRetries = emptyRetries;
        JudgeErrors = judgeErrors;
    }

    /// <summary>Empty judgements met before giving up.</summary>
    public int EmptyRetries { get; }

    /// <summary>Judge failures met before giving up.</summary>
    public int JudgeErrors { get; }
}
