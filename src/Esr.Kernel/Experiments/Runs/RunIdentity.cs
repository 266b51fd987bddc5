namespace Esr.Kernel.Experiments.Runs;

/// <summary>The identities a manifest records besides the settings.</summary>
/// <param name="ModelHash">The model folder's <see cref="ModelIdentity"/> hash.</param>
/// <param name="SaeHash">The SAE's <see cref="ModelIdentity"/> hash.</param>
/// <param name="ProjectVersion">The workbench version.</param>
public sealed record RunIdentity(string ModelHash, string SaeHash, string ProjectVersion)
{
    /// <summary>The Esr.Kernel assembly's informational version.</summary>
    public static string CurrentVersion =>
        typeof(RunIdentity).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion
        ?? typeof(RunIdentity).Assembly.GetName().Version?.ToString() ?? "unknown";
}
