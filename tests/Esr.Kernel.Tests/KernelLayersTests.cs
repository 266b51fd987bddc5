using System.Reflection;
using System.Reflection.Emit;
using System.Text.RegularExpressions;
using Esr.Kernel.Tests.Text;
using Xunit.Abstractions;

namespace Esr.Kernel.Tests;

/// <summary>
/// DESIGN.md's rule "no kernel folder imports a folder that imports it back", checked on the compiled kernel: every
/// type's references (signatures, locals and the members its IL touches, lambdas and async bodies included) give
/// edges between top-level folders, and the folders must sort into layers. Above them, the front ends hold no tensors.
/// </summary>
public sealed partial class KernelLayersTests(ITestOutputHelper output)
{
    private const string Facade = "Workbench";
    private const string Basics = "(root)";

    // The projects DESIGN.md calls front ends: they parse, call the facade and present.
    private static readonly string[] FrontEnds = ["Esr.Cli", "Esr.Magics"];

    private static readonly Assembly Kernel = typeof(Workbench).Assembly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(code => code.Value);

    [Fact]
    public void The_kernels_top_level_folders_import_each_other_without_a_cycle()
    {
        var edges = FolderEdges();
        foreach (var (from, to) in edges.OrderBy(pair => pair.Key))
            output.WriteLine($"{from} -> {string.Join(", ", to.Keys.Order())}");

        var layers = Layers(edges, out var cyclic);

        Assert.True(cyclic.Count == 0, "folders in a cycle: " + string.Join("; ", cyclic.SelectMany(from =>
            edges[from].Where(edge => cyclic.Contains(edge.Key)).Select(edge => $"{from} -> {edge.Key} ({edge.Value})"))));
        output.WriteLine("layers, bottom up: " + string.Join(" | ", layers.Select(layer => string.Join(", ", layer))));
        Assert.Equal(Facade, Assert.Single(layers[^1]));
    }

    [Fact]
    public void The_front_ends_hold_no_tensors_so_no_source_of_theirs_mentions_TorchSharp()
    {
        var root = ReferenceFiles.RepositoryFile();
        var offenders = FrontEnds
            .SelectMany(project => Directory.GetFiles(Path.Combine(root, "src", project), "*.cs", SearchOption.AllDirectories))
            .Select(file => Path.GetRelativePath(root, file))
            .Where(file => !file.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj")) // generated code
            .Where(file => File.ReadAllText(Path.Combine(root, file)).Contains("TorchSharp", StringComparison.Ordinal))
            .Order()
            .ToArray();

        Assert.True(offenders.Length == 0, "tensor work belongs in the kernel, not in: " + string.Join(", ", offenders));
    }

    [Fact]
    public void A_folder_reaching_back_into_one_that_uses_it_is_reported_as_a_cycle()
    {
        var edges = new Dictionary<string, Dictionary<string, string>>
        {
            ["Models"] = new() { ["Formats"] = "Checkpoint" },
            ["Formats"] = new() { ["Hooks"] = "HookPoint" },
            ["Hooks"] = new() { ["Models"] = "CausalLanguageModel" },
            ["Workbench"] = new() { ["Models"] = "CausalLanguageModel" },
        };

        Layers(edges, out var cyclic);

        Assert.Equal(["Formats", "Hooks", "Models"], cyclic.Order());
    }

    // Folder -> folder it references -> one example "Type -> Type" for the message.
    private static Dictionary<string, Dictionary<string, string>> FolderEdges()
    {
        var rootTypes = RootFolderTypes();
        var edges = new Dictionary<string, Dictionary<string, string>>();
        foreach (var type in Kernel.GetTypes())
        {
            var from = FolderOf(type, rootTypes);
            if (from is null) continue;
            var outer = Outermost(type);
            foreach (var used in References(type))
            {
                var to = FolderOf(used, rootTypes);
                if (to is null || to == from) continue;
                var targets = edges.TryGetValue(from, out var found) ? found : edges[from] = [];
                targets.TryAdd(to, $"{outer.Name} -> {Outermost(used).Name}");
            }
        }
        return edges;
    }

    // Repeatedly peels the folders that reference no folder left; what cannot be peeled is in (or above) a cycle, and
    // is narrowed to the folders that reach themselves.
    private static List<string[]> Layers(Dictionary<string, Dictionary<string, string>> edges, out HashSet<string> cyclic)
    {
        var left = edges.Keys.Concat(edges.Values.SelectMany(targets => targets.Keys)).ToHashSet();
        var layers = new List<string[]>();
        while (left.Count > 0)
        {
            var leaves = left.Where(folder => !edges.TryGetValue(folder, out var targets) || !targets.Keys.Any(left.Contains)).Order().ToArray();
            if (leaves.Length == 0) break;
            layers.Add(leaves);
            left.ExceptWith(leaves);
        }
        cyclic = left.Where(folder => Reaches(edges, folder, folder)).ToHashSet();
        return layers;
    }

    private static bool Reaches(Dictionary<string, Dictionary<string, string>> edges, string from, string target)
    {
        var seen = new HashSet<string>();
        var stack = new Stack<string>([from]);
        while (stack.TryPop(out var folder))
            foreach (var next in edges.TryGetValue(folder, out var targets) ? targets.Keys.ToArray() : [])
            {
                if (next == target) return true;
                if (seen.Add(next)) stack.Push(next);
            }
        return false;
    }

    // The folder of a kernel type: its namespace's first part under Esr.Kernel; the root namespace is the facade,
    // except the basics declared in files directly in src/Esr.Kernel. Null outside the kernel.
    private static string? FolderOf(Type type, IReadOnlySet<string> rootTypes)
    {
        type = Outermost(type);
        if (type.Assembly != Kernel || type.Namespace is not { } ns || !(ns + ".").StartsWith("Esr.Kernel.", StringComparison.Ordinal)) return null;
        if (ns == "Esr.Kernel") return rootTypes.Contains(type.Name) ? Basics : Facade;
        return ns["Esr.Kernel.".Length..].Split('.')[0];
    }

    private static Type Outermost(Type type)
    {
        while (type.HasElementType) type = type.GetElementType()!;
        while (type.DeclaringType is { } outer) type = outer;
        return type;
    }

    private static HashSet<string> RootFolderTypes() =>
        Directory.GetFiles(ReferenceFiles.RepositoryFile("src", "Esr.Kernel"), "*.cs", SearchOption.TopDirectoryOnly)
            .SelectMany(file => Declaration().Matches(File.ReadAllText(file)).Select(match => match.Groups[1].Value))
            .ToHashSet();

    private static IEnumerable<Type> References(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var found = new List<Type>();
        if (type.BaseType is { } baseType) found.Add(baseType);
        found.AddRange(type.GetInterfaces());
        found.AddRange(type.GetFields(all).Select(field => field.FieldType));
        found.AddRange(type.GetProperties(all).Select(property => property.PropertyType));
        foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (method is MethodInfo info) found.Add(info.ReturnType);
            found.AddRange(method.GetParameters().Select(parameter => parameter.ParameterType));
            found.AddRange(BodyReferences(method));
        }
        return found.SelectMany(Expand);
    }

    private static IEnumerable<Type> Expand(Type type)
    {
        while (type.HasElementType) type = type.GetElementType()!;
        yield return type;
        if (!type.IsGenericType || type.IsGenericTypeDefinition) yield break;
        foreach (var argument in type.GetGenericArguments().SelectMany(Expand)) yield return argument;
    }

    private static IEnumerable<Type> BodyReferences(MethodBase method)
    {
        var body = method.GetMethodBody();
        if (body?.GetILAsByteArray() is not { } il) return [];
        var found = body.LocalVariables.Select(local => local.LocalType).ToList();
        var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var at = 0; at < il.Length;)
        {
            var value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            at += il[at] == 0xFE ? 2 : 1;
            var code = OpCodesByValue[value];
            if (code.OperandType is OperandType.InlineType or OperandType.InlineTok or OperandType.InlineMethod or OperandType.InlineField)
            {
                var member = Resolve(method.Module, BitConverter.ToInt32(il, at), typeArguments, methodArguments);
                if (member is Type used) found.Add(used);
                if (member?.DeclaringType is { } owner) found.Add(owner);
                if (member is MethodInfo called) found.Add(called.ReturnType);
                if (member is FieldInfo field) found.Add(field.FieldType);
            }
            at += OperandSize(code, il, at);
        }
        return found;
    }

    private static MemberInfo? Resolve(Module module, int token, Type[]? typeArguments, Type[]? methodArguments)
    {
        try
        {
            return module.ResolveMember(token, typeArguments, methodArguments);
        }
        catch (ArgumentException)
        {
            return null; // a member of another assembly's generic instantiation that this context cannot close
        }
    }

    private static int OperandSize(OpCode code, byte[] il, int at) => code.OperandType switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
        _ => 4,
    };

    [GeneratedRegex(@"^(?:(?:public|internal|sealed|static|abstract|partial|readonly|file)\s+)*(?:class|record|struct|interface|enum)\s+(?:struct\s+|class\s+)?([A-Z]\w*)", RegexOptions.Multiline)]
    private static partial Regex Declaration();
}
