using Esr.Kernel.Analysis.Figures;

namespace Esr.Kernel.Tests.Analysis.Figures;

public class GaussianSmoothingTests
{
    // σ = 0.5, truncate 4 → radius ⌊4·0.5 + 0.5⌋ = 2; raw weights e^−8, e^−2, 1, e^−2, e^−8 with sum
    // S = 1 + 2e^−2 + 2e^−8 = 1.271341; normalized 0.000263865, 0.106450772, 0.786570726, 0.106450772, 0.000263865.
    private const double W0 = 0.00026386508273735414, W1 = 0.10645077197359151, W2 = 0.7865707258873422;

    [Fact]
    public void Kernel_matches_the_truncated_normalized_gaussian()
    {
        var kernel = GaussianSmoothing.Kernel(0.5);
        Assert.Equal(5, kernel.Length);
        double[] expected = [W0, W1, W2, W1, W0];
        for (int i = 0; i < 5; i++) Assert.Equal(expected[i], kernel[i], 14);
    }

    [Fact]
    public void Filter_reflects_at_the_edges_like_scipy_reflect_mode()
    {
        // Reflect mode extends [1, 0, 0, 0, 0] as … 0 1 | 1 0 0 0 0 | 0 0 …:
        // out[0] = W1·1 (reflected x0) + W2·1 = 0.893021498 (also scipy's gaussian_filter1d value);
        // out[1] = W0·1 (reflected x0) + W1·1 = 0.106714637; out[2] = W0 = 0.000263865; out[3] = out[4] = 0.
        var smoothed = GaussianSmoothing.Filter([1, 0, 0, 0, 0], 0.5);
        Assert.Equal(W1 + W2, smoothed[0], 12);
        Assert.Equal(0.8930214978609338, smoothed[0], 12);
        Assert.Equal(0.10671463705632887, smoothed[1], 12);
        Assert.Equal(W0, smoothed[2], 12);
        Assert.Equal(0, smoothed[3], 12);
        Assert.Equal(0, smoothed[4], 12);
    }

    [Fact]
    public void Filter_reflects_repeatedly_on_a_series_shorter_than_the_kernel()
    {
        // [50, 0, 100] extends as 0 50 | 50 0 100 | 100 0:
        // out[0] = W0·0 + W1·50 + W2·50 + W1·0 + W0·100 = 44.677461401;
        // out[1] = W0·50 + W1·50 + W2·0 + W1·100 + W0·100 = 16.007195558;
        // out[2] = W0·50 + W1·0 + W2·100 + W1·100 + W0·0 = 89.315343040.
        var smoothed = GaussianSmoothing.Filter([50, 0, 100], 0.5);
        Assert.Equal(44.67746140132043, smoothed[0], 10);
        Assert.Equal(16.00719555844933, smoothed[1], 10);
        Assert.Equal(89.31534304023025, smoothed[2], 10);
    }
}
