using Esr.Kernel.Formats;
using static TorchSharp.torch;

namespace Esr.Kernel.Tests.Formats;

public class FiniteValuesTests
{
    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void A_single_value_that_is_not_finite_is_found(float value)
    {
        using var scope = NewDisposeScope();
        var weights = ones(1000);
        weights[617] = value;

        Assert.False(FiniteValues.AllFinite(weights));
        Assert.False(FiniteValues.AllFinite(weights.to_type(ScalarType.BFloat16)));
    }

    [Fact]
    public void Finite_values_whose_sum_overflows_are_finite()
    {
        using var scope = NewDisposeScope();

        Assert.True(FiniteValues.AllFinite(tensor(new[] { 3e38f, 3e38f, -1f })));
    }
}
