using static TorchSharp.torch;

namespace Esr.Kernel.Tests;

public class TensorMemoryTests
{
    [Fact]
    public void A_transposed_tensor_is_copied_in_row_major_order_into_the_start_of_a_larger_array()
    {
        using var source = arange(6, ScalarType.Float32).reshape(2, 3);
        using var transposed = source.t(); // [[0, 3], [1, 4], [2, 5]], not contiguous
        var destination = Enumerable.Repeat(-1f, 8).ToArray();

        TensorMemory.CopyTo(transposed, destination);

        Assert.Equal([0f, 3f, 1f, 4f, 2f, 5f, -1f, -1f], destination);
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f], TensorMemory.ToFloatArray(source));
    }

    [Fact]
    public void A_destination_too_small_or_a_tensor_of_another_type_is_refused_naming_the_sizes_and_type()
    {
        using var floats = zeros(2, 3);
        using var halves = zeros([2, 3], ScalarType.BFloat16);

        var tooSmall = Assert.Throws<ArgumentException>(() => TensorMemory.CopyTo(floats, new float[5]));
        var wrongType = Assert.Throws<ArgumentException>(() => TensorMemory.CopyTo(halves, new float[6]));

        Assert.Contains("6 elements does not fit an array of 5", tooSmall.Message);
        Assert.Contains("BFloat16", wrongType.Message);
    }
}
