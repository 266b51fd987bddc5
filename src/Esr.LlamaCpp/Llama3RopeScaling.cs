namespace Esr.LlamaCpp;

/// <summary>
/// Llama 3.x rotary scaling (Hugging Face <c>rope_scaling</c> with <c>rope_type: "llama3"</c>): long wavelengths
/// are slowed by <see cref="Factor"/>, short ones kept, and the band between blended smoothly.
/// </summary>
/// <param name="Factor">How much the long-wavelength frequencies are divided by (8 in Llama 3.1).</param>
/// <param name="LowFreqFactor">Wavelengths above <c>original / LowFreqFactor</c> are fully scaled (1 in Llama 3.1).</param>
/// <param name="HighFreqFactor">Wavelengths below <c>original / HighFreqFactor</c> are kept (4 in Llama 3.1).</param>
/// <param name="OriginalMaxPositionEmbeddings">The pre-extension context length (8192 in Llama 3.1).</param>
public sealed record Llama3RopeScaling(double Factor, double LowFreqFactor, double HighFreqFactor, int OriginalMaxPositionEmbeddings)
{
    /// <summary>
    /// The per-frequency divisors of the rotary base frequencies, one per pair of head dimensions
    /// (<c>headDim / 2</c> values): frequency i becomes <c>theta^(-2i/headDim) / factors[i]</c>. llama.cpp takes
    /// these as its <c>rope_freqs</c> tensor.
    /// </summary>
    public float[] FrequencyDivisors(double ropeTheta, int headDim)
    {
        var lowFreqWavelength = OriginalMaxPositionEmbeddings / LowFreqFactor;
        var highFreqWavelength = OriginalMaxPositionEmbeddings / HighFreqFactor;
        var divisors = new float[headDim / 2];
        for (var i = 0; i < divisors.Length; i++)
        {
            var frequency = Math.Pow(ropeTheta, -2.0 * i / headDim);
            var wavelength = 2 * Math.PI / frequency;
            if (wavelength < highFreqWavelength) divisors[i] = 1f;
            else if (wavelength > lowFreqWavelength) divisors[i] = (float)Factor;
            else
            {
                // Between the two thresholds the scaled and unscaled frequencies are mixed linearly in 1/wavelength.
                var smooth = (OriginalMaxPositionEmbeddings / wavelength - LowFreqFactor) / (HighFreqFactor - LowFreqFactor);
                divisors[i] = (float)(1 / ((1 - smooth) / Factor + smooth));
            }
        }
        return divisors;
    }
}
