using Esr.Kernel.Interventions;
using static TorchSharp.torch;

namespace Esr.Kernel.Tests.Interventions;

public class DeviceTensorTests
{
    [Fact]
    public void The_tensor_is_built_once_and_reused_while_the_device_and_dtype_stay_the_same()
    {
        using var scope = NewDisposeScope();
        var builds = 0;
        using var constant = new DeviceTensor(() =>
        {
            builds++;
            return tensor(new[] { 1.5f, -2f, 3.25f });
        });

        var first = constant.On(CPU, ScalarType.Float32);
        var second = constant.On(CPU, ScalarType.Float32);
        Assert.Same(first, second);
        Assert.Equal(1, builds);

        var rounded = constant.On(CPU, ScalarType.BFloat16);
        Assert.Equal(ScalarType.BFloat16, rounded.dtype);
        Assert.Equal(2, builds);
        Assert.Equal(new[] { 1.5f, -2f, 3.25f }, rounded.to_type(ScalarType.Float32).data<float>().ToArray());
    }
}
