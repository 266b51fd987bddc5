using static TorchSharp.torch;

namespace Esr.Kernel.Tests;

public class TorchNativeTests
{
    [Fact]
    public void Torch_loads_and_multiplies_matrices()
    {
        using var a = tensor(new float[] { 1, 2, 3, 4 }, 2, 2);
        using var product = a.matmul(a);
        Assert.Equal(new float[] { 7, 10, 15, 22 }, product.data<float>().ToArray());
    }
}
