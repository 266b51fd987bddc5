using Esr.Kernel.Models;

namespace Esr.Kernel.Tests.Models;

/// <summary>libtorch's OpenMP threads sleep between parallel regions unless the user chose otherwise.</summary>
public sealed class OpenMpWaitPolicyTests
{
    [Fact]
    public void Loading_the_kernel_sets_a_passive_openmp_wait_policy_in_the_c_environment()
    {
        _ = NativeLinear.Description; // runs code of the kernel assembly, whose initializer sets the variable
        var value = NativeEnvironment.Get("OMP_WAIT_POLICY");

        Assert.Equal(Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "PASSIVE", value);
    }
}
