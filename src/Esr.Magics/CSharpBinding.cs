using Esr.Kernel;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using InteractiveKernel = Microsoft.DotNet.Interactive.Kernel;

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
        var result = value.GetType().IsNested && Declarable(value.GetType()) is { } declared
            ? await BindAsAsync(csharp, name, value, declared, context.CancellationToken)
            : await csharp.SendAsync(new SendValue(name, value, new FormattedValue(PlainTextFormatter.MimeType, value.ToString() ?? "")), context.CancellationToken);
        if (result.Events.OfType<CommandFailed>().FirstOrDefault() is { } failed)
            throw new EsrInputException($"--name {name}: the C# kernel refused the value ({failed.Message})");
    }

    // The C# kernel declares a sent value with its runtime type's name, which C# cannot write for a nested type (a
    // Plotly.NET chart is an F# union case, GenericChart+MultiChart). Such a value is declared as its nearest base
    // type C# can name, handed over through the process's AppDomain data for the one statement that reads it.
    private static async Task<KernelCommandResult> BindAsAsync(InteractiveKernel csharp, string name, object value, Type declared, CancellationToken cancellationToken)
    {
        var slot = $"esr.magics.bind.{Guid.NewGuid():N}";
        AppDomain.CurrentDomain.SetData(slot, value);
        try
        {
            return await csharp.SendAsync(new SubmitCode($"{declared.FullName} {name} = ({declared.FullName})System.AppDomain.CurrentDomain.GetData(\"{slot}\");"), cancellationToken);
        }
        finally
        {
            AppDomain.CurrentDomain.SetData(slot, null);
        }
    }

    private static Type? Declarable(Type type)
    {
        for (var candidate = type.BaseType; candidate is not null && candidate != typeof(object); candidate = candidate.BaseType)
            if (candidate is { IsPublic: true, IsGenericType: false }) return candidate;
        return null;
    }
}
