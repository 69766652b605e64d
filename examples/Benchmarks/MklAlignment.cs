using System.Diagnostics;
using System.Runtime.CompilerServices;
using FBNetV2.MLNet.Search;
using FBNetV2.MLNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// Why a search did not repeat in another process from the same seed (Training/MklReproducibility.cs), measured: the
/// same numbers copied to 8 offsets of a buffer and reduced there (a float32 and a float64 dot product, a linear
/// layer, and the compact space's expected cost with its gradient, which the architecture loss computes every step),
/// counting the distinct results. This process has the library's request of MKL's reproducible mode (it loads the
/// library first); a child process runs the same reductions before it loads the library, as an application that used
/// libtorch first would, and then asks the library whether MKL is alignment-dependent (what the ML.NET trainer warns
/// about).
/// </summary>
internal static class MklAlignment
{
    private const int Offsets = 8, Length = 1000;

    public static int Run(Dictionary<string, string> a)
    {
        if (a.GetValueOrDefault("child") == "1") return Child();
        // Touching the library runs its module initializer, which requests the mode before MKL's first call.
        bool auto = LibraryMode();
        torch.set_num_threads(1);
        Console.WriteLine($"{"process",-52} {"MKL mode",-22} {"f32 dot",8} {"f64 dot",8} {"linear",8} {"E[cost]",8} {"its grad",8}");
        Console.WriteLine($"{"this one (loads FBNetV2.MLNet first)",-52} {(auto ? "AUTO (reproducible)" : $"MKL_CBWR={Environment.GetEnvironmentVariable(MklReproducibility.Variable)}"),-22} {Row()}");
        var (code, output) = RunChild();
        if (code != 0) { Console.WriteLine($"the child process failed with exit code {code}:\n{output}"); return 1; }
        Console.Write(output);
        Console.WriteLine("columns: distinct results of the same reduction over the same numbers at 8 offsets (1: alignment-independent)");
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool LibraryMode() => MklReproducibility.IsAuto();

    /// <summary>The child: libtorch first (its IL names no library type), then the library's verdict.</summary>
    private static int Child()
    {
        torch.set_num_threads(1);
        string dots = $"{Distinct(Dot(ScalarType.Float32)),8} {Distinct(Dot(ScalarType.Float64)),8} {Distinct(Linear()),8}";
        // The library loads here: too late for its request, so MKL stays alignment-dependent, and the library says so.
        var (dependent, cost) = LibraryVerdict();
        Console.WriteLine($"{"child (used libtorch before loading FBNetV2.MLNet)",-52} {(dependent ? "alignment-dependent" : "reproducible"),-22} {dots} {cost}");
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (bool Dependent, string Cost) LibraryVerdict() => (MklReproducibility.AlignmentDependent(), CostColumns());

    private static string CostColumns()
    {
        var (values, gradients) = ExpectedCosts();
        return $"{values,8} {gradients,8}";
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string Row() => $"{Distinct(Dot(ScalarType.Float32)),8} {Distinct(Dot(ScalarType.Float64)),8} {Distinct(Linear()),8} {CostColumns()}";

    private static int Distinct<T>(IEnumerable<T> values) => values.Distinct().Count();

    /// <summary>One dot product of the same seeded numbers, copied to each offset of a larger buffer.</summary>
    private static IEnumerable<double> Dot(ScalarType type)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(1);
        var x = randn([Length], dtype: type, generator: generator);
        var y = randn([Length], dtype: type, generator: generator);
        var results = new List<double>();
        for (int k = 0; k < Offsets; k++)
        {
            var dot = At(x, k).dot(At(y, k));
            results.Add(type == ScalarType.Float32 ? dot.item<float>() : dot.item<double>());
        }
        return results;
    }

    /// <summary>A copy of <paramref name="t"/> that starts <paramref name="k"/> elements into a larger zeroed buffer.</summary>
    private static Tensor At(Tensor t, int k)
    {
        var view = zeros([t.numel() + Offsets], dtype: t.dtype).narrow(0, k, t.numel()).view(t.shape);
        view.copy_(t);
        return view;
    }

    /// <summary>
    /// A linear layer's forward pass (a batch of 40 rows of 25 inputs times a [25, 10] weight; every output compared),
    /// with the same inputs at each offset.
    /// </summary>
    private static IEnumerable<string> Linear()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(3);
        var x = randn([40, 25], generator: generator);
        var w = randn([10, 25], generator: generator);
        var results = new List<string>();
        for (int k = 0; k < Offsets; k++)
        {
            var y = nn.functional.linear(At(x, k), w);
            results.Add(string.Join(",", y.data<float>().ToArray().Select(v => v.ToString("R"))));
        }
        return results;
    }

    /// <summary>
    /// The compact space's expected FLOPs at one seeded distribution and its gradient (what the architecture step takes
    /// from it), each probability vector at each offset: the distinct values and the distinct gradients.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (int Values, int Gradients) ExpectedCosts()
    {
        using var scope = NewDisposeScope();
        var space = SearchSpace.Compact();
        var generator = new Generator(2);
        var p = space.Decisions.OptionCounts().Select(n => nn.functional.softmax(randn([n], dtype: ScalarType.Float64, generator: generator), 0)).ToArray();
        var values = new List<double>();
        var gradients = new List<string>();
        for (int k = 0; k < Offsets; k++)
        {
            var placed = p.Select(v => At(v, k).requires_grad_(true)).ToArray();
            var flops = ExpectedCost.Compute(space, placed).Flops;
            flops.backward();
            values.Add(flops.item<double>());
            // A decision the FLOPs do not depend on gets no gradient.
            gradients.Add(string.Join(",", placed.Select(v => v.grad is null ? "-" : string.Join(",", v.grad.data<double>().ToArray().Select(g => g.ToString("R"))))));
        }
        return (values.Distinct().Count(), gradients.Distinct().Count());
    }

    private static (int Code, string Output) RunChild()
    {
        // The same app and host: `dotnet Benchmarks.dll` or the app host.
        string dll = typeof(MklAlignment).Assembly.Location;
        string host = Environment.ProcessPath!;
        var psi = Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? new ProcessStartInfo(host, [dll, "mkl-alignment", "--child", "1"])
            : new ProcessStartInfo(host, ["mkl-alignment", "--child", "1"]);
        psi.RedirectStandardOutput = psi.RedirectStandardError = true;
        // The child must start without the variable, as an application does that never set it.
        psi.Environment.Remove(MklReproducibility.Variable);
        using var process = Process.Start(psi)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}
