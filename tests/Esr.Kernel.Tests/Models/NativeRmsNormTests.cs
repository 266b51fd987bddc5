using Esr.Kernel.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Esr.Kernel.Tests.Models;

/// <summary>The fused RMS norm (environment/native/esr_rms_norm.c) against libtorch's operations; needs AVX-512 (elsewhere it must decline).</summary>
public class NativeRmsNormTests
{
    [Theory]
    [InlineData(3, 40, false)]   // a vector tail of 8
    [InlineData(300, 768, false)] // enough rows for the thread pool
    [InlineData(5, 24, true)]    // Gemma-2's 1 + weight
    public void Fp32_rows_match_libtorch_within_2e_6_relative(int rows, int size, bool offset)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var generator = new Generator(3);
        var x = randn([rows, size], generator: generator) * 3;
        var weight = randn([size], generator: generator);

        var native = NativeRmsNorm.TryApply(x.view(rows, 1, size), weight, 1e-5f, offset);

        if (!NativeLinear.Supported.HasFlag(NativeLinear.Isa.Avx512))
        {
            Assert.Null(native);
            return;
        }
        Assert.NotNull(native);
        Assert.Equal([(long)rows, 1, size], native.shape);
        var expected = Reference(x, weight, offset).view(rows, 1, size);
        Assert.True(native.allclose(expected, rtol: 2e-6, atol: 1e-6), $"max error {(native - expected).abs().max().item<float>()}");
    }

    [Fact]
    public void Bf16_rows_match_libtorch_within_one_bf16_unit()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var generator = new Generator(4);
        var x = (randn([7, 72], generator: generator) * 3).to_type(ScalarType.BFloat16);
        var weight = randn([72], generator: generator).to_type(ScalarType.BFloat16);

        var native = NativeRmsNorm.TryApply(x, weight, 1e-6f, weightIsOffsetFromOne: false);

        if (!NativeLinear.Supported.HasFlag(NativeLinear.Isa.Avx512))
        {
            Assert.Null(native);
            return;
        }
        Assert.NotNull(native);
        Assert.Equal(ScalarType.BFloat16, native.dtype);
        var expected = Reference(x.to_type(ScalarType.Float32), weight.to_type(ScalarType.Float32), false, 1e-6);
        var wide = native.to_type(ScalarType.Float32);
        Assert.True(wide.allclose(expected, rtol: 1.0 / 128, atol: 1e-3), $"max error {(wide - expected).abs().max().item<float>()}");
    }

    [Fact]
    public void Training_with_gradients_and_other_dtypes_go_to_libtorch()
    {
        using var scope = NewDisposeScope();
        var weight = ones(16).requires_grad_(true);

        Assert.Null(NativeRmsNorm.TryApply(randn(2, 16), weight, 1e-5f, false));
        Assert.Null(NativeRmsNorm.TryApply(randn([2, 16], ScalarType.Float64), ones([16], ScalarType.Float64), 1e-5f, false));
    }

    // libtorch's operations, as RmsNorm.forward does them.
    private static Tensor Reference(Tensor x, Tensor weight, bool offset, double epsilon = 1e-5)
    {
        var normalised = x * (x * x).mean([-1], keepdim: true).add(epsilon).rsqrt();
        return normalised * (offset ? weight + 1 : weight);
    }
}
