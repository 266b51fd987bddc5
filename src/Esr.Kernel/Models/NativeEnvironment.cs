using System.Runtime.InteropServices;

namespace Esr.Kernel.Models;

/// <summary>
/// The process's C environment, which libtorch, its OpenMP runtime and the native kernels read with getenv. .NET's
/// Environment.SetEnvironmentVariable changes only .NET's own copy on Linux.
/// </summary>
internal static class NativeEnvironment
{
    /// <summary>Sets <paramref name="name"/> in the C environment (and .NET's); with <paramref name="overwrite"/> false an existing value stays.</summary>
    /// <returns>Whether the C library accepted it.</returns>
    internal static bool Set(string name, string value, bool overwrite)
    {
        if (!OperatingSystem.IsLinux()) return false;
        if (SetVariable(name, value, overwrite ? 1 : 0) != 0) return false;
        if (overwrite || Environment.GetEnvironmentVariable(name) is null) Environment.SetEnvironmentVariable(name, value);
        return true;
    }

    /// <summary>Removes <paramref name="name"/> from the C environment and .NET's.</summary>
    internal static void Remove(string name)
    {
        if (OperatingSystem.IsLinux()) _ = RemoveVariable(name);
        Environment.SetEnvironmentVariable(name, null);
    }

    /// <summary>The C environment's value of <paramref name="name"/>, or null.</summary>
    internal static string? Get(string name) => OperatingSystem.IsLinux() ? Marshal.PtrToStringUTF8(GetVariable(name)) : null;

    [DllImport("libc.so.6", EntryPoint = "setenv")]
    private static extern int SetVariable([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    [DllImport("libc.so.6", EntryPoint = "unsetenv")]
    private static extern int RemoveVariable([MarshalAs(UnmanagedType.LPUTF8Str)] string name);

    [DllImport("libc.so.6", EntryPoint = "getenv")]
    private static extern IntPtr GetVariable([MarshalAs(UnmanagedType.LPUTF8Str)] string name);
}
