using Esr.Kernel;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Formatting;

namespace Esr.Magics;

/// <summary>Binds a result to a variable of the C# kernel (<c>--name</c>), as .NET Interactive's own value sharing does.</summary>
internal static class CSharpBinding
{
    /// <summary>The kernel that receives <c>--name</c> values.</summary>
    public const string KernelName = "csharp";

    /// <summary>
    /// Sets <paramref name="name"/> to <paramref name="value"/> in the C# kernel; nothing when the name is null. The
    /// value travels as the object itself (the kernels share the process); its text is the formatted fallback.
    /// </summary>
    /// <exception cref="EsrInputException">No C# kernel, or it refused the value.</exception>
    public static async Task BindAsync(string? name, object value, KernelInvocationContext context)
    {
        if (name is null) return;
        var csharp = context.HandlingKernel.RootKernel.FindKernelByName(KernelName)
            ?? throw new EsrInputException($"--name {name}: this notebook has no C# kernel to receive the value");
        var result = await csharp.SendAsync(new SendValue(name, value, new FormattedValue(PlainTextFormatter.MimeType, value.ToString() ?? "")), context.CancellationToken);
        if (result.Events.OfType<Microsoft.DotNet.Interactive.Events.CommandFailed>().FirstOrDefault() is { } failed)
            throw new EsrInputException($"--name {name}: the C# kernel refused the value ({failed.Message})");
    }
}
