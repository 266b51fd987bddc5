namespace Esr.Kernel.Models;

/// <summary>Llama 3.1's frequency-dependent RoPE rescaling (<c>rope_scaling.rope_type</c> "llama3").</summary>
public sealed record RopeScaling(double Factor, double LowFrequencyFactor, double HighFrequencyFactor, int OriginalMaxPositionEmbeddings)
{
    /// <summary>Rescales inverse frequencies: long wavelengths are divided by the factor, short ones kept, the band between interpolated.</summary>
    public double[] Apply(double[] inverseFrequencies)
    {
        var lowFrequencyWavelength = OriginalMaxPositionEmbeddings / LowFrequencyFactor;
        var highFrequencyWavelength = OriginalMaxPositionEmbeddings / HighFrequencyFactor;
        return inverseFrequencies.Select(frequency =>
        {
            var wavelength = 2 * Math.PI / frequency;
            if (wavelength < highFrequencyWavelength) return frequency;
            if (wavelength > lowFrequencyWavelength) return frequency / Factor;
            var smooth = (OriginalMaxPositionEmbeddings / wavelength - LowFrequencyFactor) / (HighFrequencyFactor - LowFrequencyFactor);
            return (1 - smooth) * frequency / Factor + smooth * frequency;
        }).ToArray();
    }
}
