using Esr.Kernel.Models;
using static TorchSharp.torch;

namespace Esr.Kernel.Tests.Models;

/// <summary>
/// The small-batch linear kernels (environment/native/esr_linear.c, built by environment/setup.sh) against libtorch:
/// fp32 within 1e-5 of the output's scale (only the summation order differs), bf16 within one bf16 rounding step
/// (2⁻⁷ relative: both sum exact bf16 products in fp32 and round once), at row counts that exercise every tile and
/// a width and depth that are not multiples of the vector length.
/// </summary>
[Collection(NativeLinearCollection.Name)]
public sealed class NativeLinearTests
{
    // Dot-product tiles (1-7 rows, and up to 32 in bf16), one- and two-vector panels (8-16, 17-32 rows); then several
    // panels and more than one block of 128 rows.
    public static TheoryData<int> RowCounts => new() { 1, 2, 3, 4, 5, 8, 13, 16, 17, NativeLinear.DotProductMaxRows };

    public static TheoryData<int> PanelRowCounts => new() { 33, 130 };

    [Fact]
    public void The_kernels_are_built_and_run_on_this_cpu() =>
        Assert.True(NativeLinear.Available, $"native kernels: {NativeLinear.Description}");

    [Theory]
    [MemberData(nameof(RowCounts))]
    public void Float32_products_match_libtorch_within_one_part_in_a_hundred_thousand(int rows)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = randn(rows, 1, 100);
        var weight = randn(37, 100);

        var native = NativeLinear.TryNative(x, weight);

        Assert.NotNull(native);
        var reference = nn.functional.linear(x, weight);
        Assert.Equal(reference.shape, native.shape);
        var error = (native - reference).abs().max().item<float>();
        Assert.True(error <= 1e-5 * reference.abs().max().item<float>(), $"max error {error}");
    }

    [Theory]
    [MemberData(nameof(PanelRowCounts))]
    public void Float32_products_of_many_rows_match_libtorch_with_avx512(int rows)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        // Depth 1100 crosses a block of k (512) twice; width 37 leaves weight rows past the last tile of eight.
        var x = randn(rows, 1100);
        var weight = randn(37, 1100);

        var native = NativeLinear.TryNative(x, weight);

        if (NativeLinear.MaxRows(ScalarType.Float32) < rows)
        {
            Assert.Null(native); // no AVX-512: libtorch takes these
            return;
        }
        Assert.NotNull(native);
        var reference = nn.functional.linear(x, weight);
        var error = (native - reference).abs().max().item<float>();
        Assert.True(error <= 1e-5 * reference.abs().max().item<float>(), $"max error {error}");
    }

    [Fact]
    public void Float32_products_on_several_threads_at_once_each_match_libtorch()
    {
        // The panels' buffer is kept between products for one caller at a time; the others allocate their own.
        var errors = new float[8];
        Parallel.For(0, errors.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, call =>
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var x = randn(40 + call, 300);
            var weight = randn(24, 300);
            var native = NativeLinear.TryNative(x, weight) ?? nn.functional.linear(x, weight);
            var reference = nn.functional.linear(x, weight);
            errors[call] = (native - reference).abs().max().item<float>() / reference.abs().max().item<float>();
        });
        Assert.All(errors, error => Assert.True(error <= 1e-5, $"relative error {error}"));
    }

    [Fact]
    public void Steps_of_large_products_give_the_same_outputs_with_and_without_weight_prefetch()
    {
        // Products of a million multiply-adds and more run on the pool, which between them prefetches the weights that
        // followed last time, as idle work that the next product interrupts: outputs must not depend on it, and no
        // idle chunk may count towards a product's chunks (that product would return before all its rows were written).
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var weights = new[] { randn(1280, 768), randn(768, 768), randn(2048, 768), randn(768, 1024) };
        int[] rows = [1, 3, 5, 2]; // one-row tiles, and the first group of four-row tiles (and after it), which prefetch the next tile
        var inputs = weights.Select((weight, index) => randn(rows[index], weight.shape[1])).ToArray();
        Tensor[] Step() => weights.Select((weight, index) => NativeLinear.TryNative(inputs[index], weight)!).ToArray();
        var threads = get_num_threads();
        set_num_threads(2);
        try
        {
            Tensor[][] prefetched = [.. Enumerable.Range(0, 200).Select(_ => Step())];
            NativeLinear.PrefetchWeights = false;
            var plain = Step();

            for (var index = 0; index < weights.Length; index++)
            {
                var reference = nn.functional.linear(inputs[index], weights[index]);
                var error = (plain[index] - reference).abs().max().item<float>();
                Assert.True(error <= 1e-5 * reference.abs().max().item<float>(), $"product {index}: max error {error}");
                Assert.All(prefetched, step => Assert.True(step[index].eq(plain[index]).all().item<bool>(), $"product {index} differs with prefetch"));
            }
        }
        finally
        {
            NativeLinear.PrefetchWeights = true;
            set_num_threads(threads);
        }
    }

    [Theory]
    [MemberData(nameof(RowCounts))]
    public void BFloat16_products_match_libtorch_within_one_rounding_step(int rows)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = randn(rows, 100).to_type(ScalarType.BFloat16);
        var weight = randn(37, 100).to_type(ScalarType.BFloat16);

        var native = NativeLinear.TryNative(x, weight);

        Assert.NotNull(native);
        Assert.Equal(ScalarType.BFloat16, native.dtype);
        var exact = nn.functional.linear(x.to_type(ScalarType.Float32), weight.to_type(ScalarType.Float32));
        var error = (native.to_type(ScalarType.Float32) - exact).abs();
        var bound = exact.abs().mul(1.0 / 128).add(1e-3);
        Assert.True(error.le(bound).all().item<bool>(), $"max error {error.max().item<float>()}");
    }

    [Fact]
    public void Products_that_track_gradients_go_to_libtorch()
    {
        using var scope = NewDisposeScope();
        var x = randn(2, 16).requires_grad_(true);

        Assert.Null(NativeLinear.TryNative(x, randn(8, 16)));
        Assert.True(NativeLinear.Apply(x, randn(8, 16)).requires_grad);
    }

    [Fact]
    public void BFloat16_products_of_more_rows_than_the_dot_products_take_go_to_libtorch()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();

        var rows = NativeLinear.DotProductMaxRows;
        Assert.Null(NativeLinear.TryNative(randn(rows + 1, 16).to_type(ScalarType.BFloat16), randn(8, 16).to_type(ScalarType.BFloat16)));
        Assert.NotNull(NativeLinear.TryNative(randn(rows, 16).to_type(ScalarType.BFloat16), randn(8, 16).to_type(ScalarType.BFloat16)));
    }

    [Fact]
    public void Turned_off_every_product_goes_to_libtorch()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        NativeLinear.Enabled = false;
        try
        {
            Assert.Null(NativeLinear.TryNative(randn(1, 16), randn(8, 16)));
        }
        finally
        {
            NativeLinear.Enabled = true;
        }
    }
}

/// <summary>Tests that switch the kernels off run alone, so no other test sees them off.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NativeLinearCollection
{
    public const string Name = "native linear kernels switched";
}
