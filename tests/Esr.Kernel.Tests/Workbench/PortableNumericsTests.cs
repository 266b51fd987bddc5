using Esr.Kernel.Models;
using Esr.Kernel.Tests.Models;

namespace Esr.Kernel.Tests;

/// <summary>Portable numerics reach the C environment that libtorch and the native kernels read.</summary>
[Collection(NativeLinearCollection.Name)] // alone: the kernels read the capped capability once, at their first product
public sealed class PortableNumericsTests
{
    [Fact]
    public void Portable_numerics_set_the_c_environment_and_cap_the_native_kernels_at_avx2()
    {
        var saved = Workbench.PortableNumericsSettings.Select(setting => (setting.Name, Value: NativeEnvironment.Get(setting.Name))).ToArray();
        try
        {
            Workbench.UsePortableNumerics();

            Assert.Equal(["avx2", "AVX2", "avx2"], saved.Select(setting => NativeEnvironment.Get(setting.Name)));
            // On an AVX-512 machine the library now reports AVX2 only; without the library both sides are None.
            Assert.Equal(NativeLinear.Supported & NativeLinear.Isa.Avx2, NativeLinear.Probe());
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                if (value is null) NativeEnvironment.Remove(name);
                else NativeEnvironment.Set(name, value, overwrite: true);
            }
        }
    }
}
