using System.Reflection;
using TorchSharp;
using Xunit;

namespace FBNetV2.MLNet.Tests.Reliability;

/// <summary>
/// src/FBNetV2.MLNet/BannedSymbols.txt lists the TorchSharp members that hand libtorch a temporary Scalar (see
/// Network/TorchScalars.cs); the banned-API analyzer fails the CI build where the library uses one. An entry whose
/// documentation ID names no member bans nothing, silently (after a TorchSharp upgrade, say), so every entry is checked
/// here against the IDs of the members TorchSharp actually has, built from reflection.
/// </summary>
public class BannedSymbolsTests
{
    private static readonly string BannedFile = Path.Combine(TestPaths.RepositoryRoot, "src", "FBNetV2.MLNet", "BannedSymbols.txt");

    [Fact]
    public void EveryBannedSymbolNamesAMemberOfTheReferencedTorchSharp()
    {
        var ids = typeof(torch).Assembly.GetTypes().Where(t => t.IsPublic || t.IsNestedPublic)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(DocumentationId).ToHashSet();
        var entries = File.ReadAllLines(BannedFile).Where(l => l.Length > 0).Select(l => l.Split(';')[0]).ToList();
        Assert.True(entries.Count >= 50, $"{entries.Count} entries");
        var unknown = entries.Where(e => !ids.Contains(e)).ToList();
        Assert.True(unknown.Count == 0, "No such TorchSharp member:\n" + string.Join("\n", unknown));
    }

    /// <summary>The library, and the tests (which run in a host with threads of its own, where CI met the race).</summary>
    [Theory]
    [InlineData("src/FBNetV2.MLNet/FBNetV2.MLNet.csproj", "BannedSymbols.txt")]
    [InlineData("tests/FBNetV2.MLNet.Tests/FBNetV2.MLNet.Tests.csproj", "../../src/FBNetV2.MLNet/BannedSymbols.txt")]
    public void TheProjectRunsTheAnalyzerOnTheList(string projectPath, string listPath)
    {
        var project = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, projectPath));
        Assert.Contains("<PackageReference Include=\"Microsoft.CodeAnalysis.BannedApiAnalyzers\"", project);
        Assert.Contains($"<AdditionalFiles Include=\"{listPath}\" />", project);
    }

    /// <summary>The C# documentation-comment ID of a method ("M:Namespace.Type.Name(Param,Types)", "~Return" for conversions).</summary>
    private static string DocumentationId(MethodInfo m)
    {
        var id = $"M:{TypeName(m.DeclaringType!)}.{m.Name}";
        var parameters = m.GetParameters();
        if (parameters.Length > 0) id += "(" + string.Join(",", parameters.Select(p => TypeName(p.ParameterType))) + ")";
        if (m.Name is "op_Implicit" or "op_Explicit") id += "~" + TypeName(m.ReturnType);
        return id;
    }

    private static string TypeName(Type t)
    {
        if (t.IsByRef) return TypeName(t.GetElementType()!) + "@";
        if (t.IsArray) return TypeName(t.GetElementType()!) + "[]";
        if (t.IsGenericParameter) return (t.DeclaringMethod is null ? "`" : "``") + t.GenericParameterPosition;
        var name = t.IsNested ? TypeName(t.DeclaringType!) + "." + t.Name : t.Namespace + "." + t.Name;
        if (!t.IsGenericType) return name;
        name = name[..name.IndexOf('`')];
        return name + "{" + string.Join(",", t.GetGenericArguments().Select(TypeName)) + "}";
    }
}
