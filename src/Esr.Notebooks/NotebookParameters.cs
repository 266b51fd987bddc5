using System.Globalization;
using Esr.Kernel;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.DotNet.Interactive.Documents;

namespace Esr.Notebooks;

/// <summary>
/// papermill's parameter convention for C# notebooks: the first cell tagged <c>parameters</c> declares the defaults;
/// values given on the command line go into a new cell tagged <c>injected-parameters</c> right after it, each
/// declared again with the type the parameters cell gave it, so the later declaration wins.
/// </summary>
public static class NotebookParameters
{
    /// <summary>The tag of the cell holding the defaults.</summary>
    public const string ParametersTag = "parameters";

    /// <summary>The tag of the cell the runner adds.</summary>
    public const string InjectedTag = "injected-parameters";

    /// <summary>
    /// Adds the <c>injected-parameters</c> cell for <paramref name="values"/> after the parameters cell, replacing an
    /// injected cell left by an earlier run. With no values the document is only cleared of such a cell.
    /// </summary>
    /// <exception cref="EsrInputException">A value names no declared variable, does not parse as its type, or the
    /// notebook has no C# parameters cell.</exception>
    public static void Inject(InteractiveDocument document, IReadOnlyDictionary<string, string> values, string notebookPath)
    {
        foreach (var stale in document.Elements.Where(cell => HasTag(cell, InjectedTag)).ToArray()) document.Elements.Remove(stale);
        if (values.Count == 0) return;

        var parameters = document.Elements.FirstOrDefault(cell => HasTag(cell, ParametersTag))
            ?? throw new EsrInputException($"-p {values.Keys.First()}: notebook '{notebookPath}' has no cell tagged '{ParametersTag}' to set it in");
        if (parameters.KernelName != NotebookFile.CSharpKernelName)
            throw new EsrInputException($"-p {values.Keys.First()}: the '{ParametersTag}' cell of '{notebookPath}' is {parameters.KernelName}; only C# parameters cells can be set");

        var code = InjectedCode(Declarations(parameters.Contents), values, notebookPath);
        var injected = new InteractiveDocumentElement(code, NotebookFile.CSharpKernelName)
        {
            Metadata = new Dictionary<string, object> { ["tags"] = new object[] { InjectedTag } },
        };
        document.Elements.Insert(document.Elements.IndexOf(parameters) + 1, injected);
    }

    /// <summary>Splits a command-line <c>name=value</c> at its first <c>=</c>; null unless the name is a C# identifier.</summary>
    public static KeyValuePair<string, string>? ParseAssignment(string text)
    {
        var equals = text.IndexOf('=');
        return equals > 0 && SyntaxFacts.IsValidIdentifier(text[..equals]) ? new(text[..equals], text[(equals + 1)..]) : null;
    }

    /// <summary>The variables a C# parameters cell declares at its top level, in order.</summary>
    public static IReadOnlyList<DeclaredParameter> Declarations(string code)
    {
        var root = CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(kind: SourceCodeKind.Script)).GetCompilationUnitRoot();
        var declarations = root.Members.Select(member => member switch
        {
            FieldDeclarationSyntax field => field.Declaration,
            GlobalStatementSyntax { Statement: LocalDeclarationStatementSyntax local } => local.Declaration,
            _ => null,
        });
        return [.. declarations.OfType<VariableDeclarationSyntax>().SelectMany(declaration => declaration.Variables.Select(variable => Declared(declaration.Type, variable)))];
    }

    /// <summary>True if the cell's metadata lists <paramref name="tag"/> among its tags.</summary>
    public static bool HasTag(InteractiveDocumentElement cell, string tag) =>
        cell.Metadata?.TryGetValue("tags", out var tags) == true
        && tags is IEnumerable<object> list && list.Any(item => item?.ToString() == tag);

    private static string InjectedCode(IReadOnlyList<DeclaredParameter> declared, IReadOnlyDictionary<string, string> values, string notebookPath)
    {
        var lines = new List<string> { "// Parameters set by `esr run -p`." };
        foreach (var (name, value) in values)
        {
            var parameter = declared.LastOrDefault(candidate => candidate.Name == name)
                ?? throw new EsrInputException($"-p {name}: the '{ParametersTag}' cell of '{notebookPath}' declares no variable '{name}' "
                    + (declared.Count == 0 ? "(it declares none)" : $"(it declares {string.Join(", ", declared.Select(d => d.Name))})"));
            lines.Add($"{parameter.TypeName} {name} = {Literal(parameter, value, notebookPath)};");
        }
        return string.Join('\n', lines);
    }

    private static string Literal(DeclaredParameter parameter, string value, string notebookPath)
    {
        var invariant = CultureInfo.InvariantCulture;
        string? literal = parameter.Kind switch
        {
            ParameterKind.String => SymbolDisplay.FormatLiteral(value, quote: true),
            ParameterKind.Bool => bool.TryParse(value, out var flag) ? (flag ? "true" : "false") : null,
            ParameterKind.Int => int.TryParse(value, NumberStyles.AllowLeadingSign, invariant, out var whole) ? whole.ToString(invariant) : null,
            ParameterKind.Long => long.TryParse(value, NumberStyles.AllowLeadingSign, invariant, out var big) ? big.ToString(invariant) : null,
            ParameterKind.Double => double.TryParse(value, NumberStyles.Float, invariant, out var real)
                ? double.IsFinite(real) ? real.ToString("R", invariant) + "d" : NonFinite("double", real)
                : null,
            ParameterKind.Float => float.TryParse(value, NumberStyles.Float, invariant, out var single)
                ? float.IsFinite(single) ? single.ToString("R", invariant) + "f" : NonFinite("float", single)
                : null,
            _ => throw new EsrInputException($"-p {parameter.Name}: '{notebookPath}' declares it as {parameter.TypeName}, which a command-line value cannot set (expected int, long, double, float, bool or string)"),
        };
        return literal ?? throw new EsrInputException($"-p {parameter.Name}={value}: '{notebookPath}' declares {parameter.Name} as {parameter.TypeName}; '{value}' is not a{(parameter.Kind == ParameterKind.Int ? "n" : "")} {parameter.TypeName.TrimEnd('?')}");
    }

    private static string NonFinite(string type, double value) =>
        double.IsNaN(value) ? $"{type}.NaN" : value > 0 ? $"{type}.PositiveInfinity" : $"{type}.NegativeInfinity";

    private static DeclaredParameter Declared(TypeSyntax type, VariableDeclaratorSyntax variable)
    {
        var name = variable.Identifier.ValueText;
        if (!type.IsVar) return new DeclaredParameter(name, type.ToString(), KindOf(type));
        var kind = variable.Initializer?.Value is { } value ? KindOfValue(value) : ParameterKind.Unsupported;
        return new DeclaredParameter(name, kind == ParameterKind.Unsupported ? "var" : Keyword(kind), kind);
    }

    private static ParameterKind KindOf(TypeSyntax type) => type switch
    {
        NullableTypeSyntax nullable when KindOf(nullable.ElementType) == ParameterKind.String => ParameterKind.String,
        PredefinedTypeSyntax predefined => predefined.Keyword.Kind() switch
        {
            SyntaxKind.IntKeyword => ParameterKind.Int,
            SyntaxKind.LongKeyword => ParameterKind.Long,
            SyntaxKind.DoubleKeyword => ParameterKind.Double,
            SyntaxKind.FloatKeyword => ParameterKind.Float,
            SyntaxKind.BoolKeyword => ParameterKind.Bool,
            SyntaxKind.StringKeyword => ParameterKind.String,
            _ => ParameterKind.Unsupported,
        },
        _ => ParameterKind.Unsupported,
    };

    private static ParameterKind KindOfValue(ExpressionSyntax value) => value switch
    {
        PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression } negated => KindOfValue(negated.Operand),
        LiteralExpressionSyntax literal => literal.Kind() switch
        {
            SyntaxKind.StringLiteralExpression => ParameterKind.String,
            SyntaxKind.TrueLiteralExpression or SyntaxKind.FalseLiteralExpression => ParameterKind.Bool,
            SyntaxKind.NumericLiteralExpression => literal.Token.Value switch
            {
                int => ParameterKind.Int,
                long => ParameterKind.Long,
                double => ParameterKind.Double,
                float => ParameterKind.Float,
                _ => ParameterKind.Unsupported,
            },
            _ => ParameterKind.Unsupported,
        },
        InterpolatedStringExpressionSyntax => ParameterKind.String,
        _ => ParameterKind.Unsupported,
    };

    private static string Keyword(ParameterKind kind) => kind switch
    {
        ParameterKind.Int => "int",
        ParameterKind.Long => "long",
        ParameterKind.Double => "double",
        ParameterKind.Float => "float",
        ParameterKind.Bool => "bool",
        _ => "string",
    };
}
