using System.Diagnostics;
using System.Globalization;
using System.Text;
using FBNetV2.MLNet.Architecture;
using Google.Protobuf;
using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Onnx;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// Fuzzes the architecture string end to end. Case i of a seed is always the same text: a random architecture (small,
/// tiny or extreme sizes) or a mutation of one (truncation, garbage tokens, huge or negative numbers, dropped or
/// doubled separators, random characters). Each text is parsed; a valid one must survive the string and JSON round
/// trips and, when small enough to run, build, export to ONNX and match TorchSharp in ONNX Runtime; an invalid one must
/// be refused with FormatException or ArgumentException and a message. Anything else (another exception type, a crash,
/// a case running past the time limit) is a failure. Linked into the test project, run in full by
/// <c>dotnet run --project examples/Benchmarks -c Release -- fuzz --count 500 --seed 1</c>.
/// </summary>
public sealed class ArchitectureFuzzer(int seed)
{
    public const float Tolerance = 1e-4f;

    /// <summary>Valid architectures above these costs are checked without being built (a width-8192 net would need gigabytes).</summary>
    public long MaxRunFlops { get; init; } = 20_000_000;
    public long MaxRunParameters { get; init; } = 2_000_000;

    public TimeSpan CaseTimeLimit { get; init; } = TimeSpan.FromSeconds(60);

    public enum Outcome { ParityPassed, ValidTooLargeToRun, RejectedCleanly, Failed }

    public sealed record CaseResult(int Index, string Text, Outcome Outcome, string Detail, float MaxDiff, TimeSpan Time)
    {
        /// <summary>CPU time of the thread that ran the case (<see cref="ThreadCpuTime"/>): unlike <see cref="Time"/>, not stretched by other work on the machine.</summary>
        public TimeSpan CpuTime { get; init; }
    }

    public sealed record Summary(int Tried, int Valid, int ParityPassed, int ValidTooLargeToRun, int RejectedCleanly, int Failed,
        float WorstDiff, TimeSpan Slowest, TimeSpan Total, IReadOnlyList<CaseResult> Failures)
    {
        /// <summary>The cases' thread CPU time, summed (see <see cref="CaseResult.CpuTime"/>).</summary>
        public TimeSpan TotalCpu { get; init; }

        public override string ToString() =>
            $"tried {Tried}: valid {Valid} (ONNX Runtime parity passed {ParityPassed}, too large to run {ValidTooLargeToRun}), " +
            $"invalid rejected cleanly {RejectedCleanly}, failures {Failed}; worst |ORT - torch| {WorstDiff:E2}, slowest case {Slowest.TotalSeconds:F2} s, total {Total.TotalSeconds:F1} s";
    }

    public Summary RunMany(int count, Action<CaseResult>? each = null)
    {
        var clock = Stopwatch.StartNew();
        var results = new List<CaseResult>();
        for (int i = 0; i < count; i++)
        {
            var result = RunWithLimit(i);
            results.Add(result);
            each?.Invoke(result);
            if (result.Detail.StartsWith("hang", StringComparison.Ordinal)) break; // the stuck case still holds its thread
        }
        int Count(Outcome o) => results.Count(r => r.Outcome == o);
        return new Summary(results.Count, Count(Outcome.ParityPassed) + Count(Outcome.ValidTooLargeToRun), Count(Outcome.ParityPassed),
            Count(Outcome.ValidTooLargeToRun), Count(Outcome.RejectedCleanly), Count(Outcome.Failed),
            results.Select(r => r.MaxDiff).DefaultIfEmpty(0).Max(), results.Select(r => r.Time).DefaultIfEmpty().Max(), clock.Elapsed,
            results.Where(r => r.Outcome == Outcome.Failed).ToList()) { TotalCpu = TimeSpan.FromTicks(results.Sum(r => r.CpuTime.Ticks)) };
    }

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct Timespec { public long Seconds; public long Nanoseconds; }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec time);

    /// <summary>
    /// CPU time of the calling thread (Linux CLOCK_THREAD_CPUTIME_ID). With one TorchSharp and one ONNX Runtime thread
    /// a case's work runs on its own thread, so this is its cost whatever else shares the cores.
    /// </summary>
    public static TimeSpan ThreadCpuTime()
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("thread CPU time is read with Linux's clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
        if (ClockGetTime(3, out var t) != 0) throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        return TimeSpan.FromTicks(t.Seconds * TimeSpan.TicksPerSecond + t.Nanoseconds / 100);
    }

    private CaseResult RunWithLimit(int index)
    {
        var task = Task.Factory.StartNew(() => Run(index), TaskCreationOptions.LongRunning);
        return task.Wait(CaseTimeLimit) ? task.Result
            : new CaseResult(index, Generate(index), Outcome.Failed, $"hang: still running after {CaseTimeLimit.TotalSeconds} s", 0, CaseTimeLimit);
    }

    /// <summary>
    /// Null when <paramref name="e"/>, raised while parsing, is a clean rejection: a FormatException or ArgumentException
    /// with a message, thrown by the library's own validation. Otherwise why it is a failure: the same exception type
    /// thrown from inside .NET (a dictionary's duplicate key, an index out of range in a list) is a bug that happens to
    /// share it.
    /// </summary>
    internal static string? RejectionFault(Exception e)
    {
        if (e is not (FormatException or ArgumentException)) return $"parse threw {e.GetType().FullName}: {e.Message}";
        var thrower = ExceptionOrigin.Thrower(e);
        if (thrower?.DeclaringType?.Assembly != typeof(FBNetArchitecture).Assembly)
            return $"{e.GetType().Name} thrown by {ExceptionOrigin.Describe(thrower)}, not by the parser's validation: {e.Message}";
        return string.IsNullOrWhiteSpace(e.Message) || e.Message.StartsWith("Exception of type", StringComparison.Ordinal)
            ? $"{e.GetType().Name} without a message" : null;
    }

    /// <summary>Parses, round-trips and, for a valid architecture that is small enough, checks ONNX Runtime parity.</summary>
    public CaseResult Run(int index)
    {
        string text = Generate(index);
        var clock = Stopwatch.StartNew();
        var cpu = ThreadCpuTime();
        CaseResult Result(Outcome o, string detail, float diff = 0) => new(index, text, o, detail, diff, clock.Elapsed) { CpuTime = ThreadCpuTime() - cpu };

        FBNetArchitecture a;
        try
        {
            a = FBNetArchitecture.Parse(text);
        }
        catch (Exception e)
        {
            return RejectionFault(e) is { } fault ? Result(Outcome.Failed, fault) : Result(Outcome.RejectedCleanly, $"{e.GetType().Name}: {e.Message}");
        }

        try
        {
            var again = FBNetArchitecture.Parse(a.ToString());
            if (!again.Equals(a)) return Result(Outcome.Failed, $"string round trip changed it: {a} -> {again}");
            var json = ArchitectureJson.Deserialize(ArchitectureJson.Serialize(a));
            if (!json.Equals(a)) return Result(Outcome.Failed, $"JSON round trip changed it: {a} -> {json}");
            if (a.Flops > MaxRunFlops || a.Parameters > MaxRunParameters)
                return Result(Outcome.ValidTooLargeToRun, $"{a.Flops / 1e6:F1} MFLOPs, {a.Parameters} parameters");
            float diff = Parity(a, seed * 100_003 + index);
            return diff <= Tolerance
                ? Result(Outcome.ParityPassed, $"max diff {diff:E2}", diff)
                : Result(Outcome.Failed, $"ONNX Runtime differs from TorchSharp by {diff:E2}", diff);
        }
        catch (Exception e)
        {
            return Result(Outcome.Failed, $"valid architecture {a} failed: {e.GetType().FullName}: {e.Message}");
        }
    }

    /// <summary>Random BN statistics and affine parameters (from the torch generator), so that folding and masking really matter in a comparison.</summary>
    public static void RandomizeBatchNorm(nn.Module module)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var bn in module.modules().OfType<BatchNorm2d>())
        {
            long n = bn.num_features;
            bn.running_mean!.copy_(randn(n).Times(0.5));
            bn.running_var!.copy_(rand(n).Times(1.5).Plus(0.5));
            bn.weight!.copy_(rand(n).Plus(0.5));
            bn.bias!.copy_(randn(n).Times(0.3));
        }
    }

    /// <summary>Max |ONNX Runtime - TorchSharp| on the class probabilities of two random images, BN statistics randomised so folding matters.</summary>
    private static float Parity(FBNetArchitecture a, int caseSeed)
    {
        using var scope = NewDisposeScope();
        manual_seed(caseSeed);
        var r = new Random(caseSeed);
        var mean = Enumerable.Range(0, a.InputChannels).Select(_ => 0.2f + 0.5f * r.NextSingle()).ToArray();
        var std = Enumerable.Range(0, a.InputChannels).Select(_ => 0.1f + 0.4f * r.NextSingle()).ToArray();
        using var net = new FBNetNetwork(a, mean, std);
        RandomizeBatchNorm(net);
        net.eval();
        var x = rand(2, a.InputChannels, a.InputSize, a.InputSize);
        return ParityDiff(net, x);
    }

    /// <summary>
    /// The largest difference between ONNX Runtime and eval-mode TorchSharp on <paramref name="x"/>, over the
    /// probabilities (absolute) and the logits (relative to 1 + |logit|). Probabilities alone hide errors: a saturated
    /// softmax maps very different logits to the same 0 and 1. The logits are read from the exported graph with the
    /// softmax's input added as a second output (<see cref="WithLogitsOutput"/>); the product's outputs stay as they are.
    /// </summary>
    public static float ParityDiff(FBNetNetwork net, Tensor x)
    {
        float[] expectedLogits;
        using (no_grad()) expectedLogits = net.forward(x).data<float>().ToArray();
        var expected = Softmax(expectedLogits, net.Architecture.NumClasses);

        using var session = new InferenceSession(WithLogitsOutput(OnnxExporter.Export(net)), new SessionOptions { IntraOpNumThreads = 1 });
        var pixels = x.data<float>().ToArray();
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, x.shape);
        using var run = new RunOptions();
        using var results = session.Run(run, [OnnxExporter.InputName], [input], [OnnxExporter.OutputName, LogitsOutputName]);
        var actual = results[0].GetTensorDataAsSpan<float>();
        var logits = results[1].GetTensorDataAsSpan<float>();
        if (actual.Length != expected.Length || logits.Length != expectedLogits.Length) return float.PositiveInfinity;
        float worst = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
            worst = Math.Max(worst, Math.Abs(logits[i] - expectedLogits[i]) / (1 + Math.Abs(expectedLogits[i])));
        }
        return float.IsNaN(worst) ? float.PositiveInfinity : worst;
    }

    public const string LogitsOutputName = "fbnet_test_logits";

    /// <summary>
    /// The exported model with the input of its final Softmax (the logits) as an extra graph output, through an
    /// Identity node so that the name is fixed. Fails when the output is not produced by a Softmax.
    /// <paramref name="outputName"/>: the probabilities' name where the export renamed it (OnnxExportOptions.OutputName).
    /// </summary>
    public static byte[] WithLogitsOutput(byte[] model, string outputName = OnnxExporter.OutputName)
    {
        var proto = global::Onnx.ModelProto.Parser.ParseFrom(model);
        var graph = proto.Graph;
        string output = graph.Output.Single(o => o.Name == outputName).Name;
        var softmax = graph.Node.Single(n => n.Output.Contains(output));
        if (softmax.OpType != "Softmax") throw new InvalidOperationException($"the output '{output}' comes from {softmax.OpType}, not Softmax");
        var identity = new global::Onnx.NodeProto { OpType = "Identity", Name = "fbnet_test_logits_identity" };
        identity.Input.Add(softmax.Input[0]);
        identity.Output.Add(LogitsOutputName);
        graph.Node.Add(identity);
        graph.Output.Add(new global::Onnx.ValueInfoProto
        {
            Name = LogitsOutputName,
            Type = new global::Onnx.TypeProto { TensorType = new global::Onnx.TypeProto.Types.Tensor { ElemType = (int)global::Onnx.TensorProto.Types.DataType.Float } },
        });
        using var stream = new MemoryStream();
        proto.WriteTo(stream);
        return stream.ToArray();
    }

    private static float[] Softmax(float[] logits, int classes)
    {
        var p = new float[logits.Length];
        for (int row = 0; row < logits.Length / classes; row++)
        {
            var span = logits.AsSpan(row * classes, classes);
            float max = float.NegativeInfinity;
            foreach (var v in span) max = Math.Max(max, v);
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += Math.Exp(span[c] - max);
            for (int c = 0; c < classes; c++) p[row * classes + c] = (float)(Math.Exp(span[c] - max) / sum);
        }
        return p;
    }

    // ---------------- generation ----------------

    /// <summary>The text of case <paramref name="index"/>: the same for the same seed and index.</summary>
    public string Generate(int index)
    {
        var r = new Random(unchecked(seed * 1_000_003 + index * 7919));
        int mode = r.Next(100);
        return mode switch
        {
            < 40 => RandomText(r, Scale.Small),
            < 48 => RandomText(r, Scale.Tiny),
            < 56 => RandomText(r, Scale.Extreme),
            < 95 => Mutate(r, RandomText(r, r.Next(4) == 0 ? Scale.Extreme : Scale.Small)),
            _ => Garbage(r),
        };
    }

    private enum Scale { Tiny, Small, Extreme }

    private static string RandomText(Random r, Scale scale)
    {
        int Width() => scale switch
        {
            Scale.Tiny => r.Next(1, 5),
            Scale.Small => r.Next(4, 33),
            _ => r.Next(3) == 0 ? FBNetArchitecture.MaxWidth : r.Next(1, FBNetArchitecture.MaxWidth + 1),
        };
        int channels = r.Next(2) == 0 ? 1 : 3;
        int size = scale switch { Scale.Tiny => r.Next(1, 6), Scale.Small => r.Next(6, 33), _ => r.Next(3) == 0 ? FBNetArchitecture.MaxWidth : r.Next(1, 2049) };
        int sub = r.Next(4) == 0 ? r.Next(2, 4) : 1;
        int map = (size + sub - 1) / sub;
        // Mostly strides that keep the map above 1x1, sometimes one too many (an invalid case).
        int Stride()
        {
            if (r.Next(3) != 0) return 1;
            if (map > 1 || r.Next(8) == 0) { map = (map + 1) / 2; return 2; }
            return 1;
        }
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"in_c{channels}_s{size}");
        if (sub > 1) sb.Append(CultureInfo.InvariantCulture, $"_sub{sub}");
        sb.Append(CultureInfo.InvariantCulture, $"|conv_k{(r.Next(2) == 0 ? 3 : 5)}_c{Width()}_s{Stride()}{Act(r)}");
        for (int s = r.Next(1, 4); s > 0; s--)
        {
            sb.Append('|');
            var blocks = new List<string>();
            for (int b = r.Next(1, 4); b > 0; b--)
            {
                if (r.Next(4) == 0)
                {
                    int stride = Stride();
                    blocks.Add("skip" + (r.Next(2) == 0 ? $"_c{Width()}" : "") + (stride > 1 ? $"_s{stride}" : ""));
                    continue;
                }
                string width = r.Next(3) switch
                {
                    0 => "e1",
                    1 => "e" + (r.Next(2) == 0 ? r.Next(2, 7).ToString(CultureInfo.InvariantCulture) : (1 + 5 * r.NextDouble()).ToString("F3", CultureInfo.InvariantCulture)),
                    _ => $"h{Width()}",
                };
                int st = Stride();
                // A third of the convolutional blocks are fused MBConv (full kxk conv, then the projection).
                string kind = r.Next(3) == 0 ? "fused" : "ir";
                blocks.Add($"{kind}_k{(r.Next(2) == 0 ? 3 : 5)}_{width}_c{Width()}" + (st > 1 ? $"_s{st}" : "") + (r.Next(3) == 0 ? "_se" : "") + Act(r));
            }
            sb.Append(string.Join(',', blocks));
        }
        sb.Append(CultureInfo.InvariantCulture, $"|head_c{(r.Next(2) == 0 ? 0 : Width())}_f{(r.Next(2) == 0 ? 0 : Width())}{Act(r)}|cls{r.Next(2, 12)}");
        return sb.ToString();
    }

    private static string Act(Random r) => r.Next(2) == 0 ? "_hs" : "";

    private static readonly string[] GarbageTokens =
    [
        "", "_", "__", "|", ",", "||", ",,", "x", "ir", "skip", "conv", "head", "cls", "in", "k", "c", "e", "h", "s", "se", "hs", "relu",
        "k0", "k2", "k13", "c0", "s0", "s9", "e0", "e65", "e-1", "e1e9", "eNaN", "einf", "h-3", "sub0", "cls0", "cls-1",
        "99999999999999999999", "2147483648", "-2147483648", "8193", "1.5", "0x10", " ", "\t", "\n", "\0", "é", "Ⅻ", "٣", "\uFFFF", "🙂",
        "ir_k3_e4_c24", "skip_c16_s2", "ir_k3_e4_h32_c8", "head_c0_f0", "_se_se", "_hs_relu",
        "fused", "fused_k3_e4_c24_s2", "fused_k5_h0_c8", "fused_skip",
    ];

    private static string Mutate(Random r, string text)
    {
        for (int m = r.Next(1, 4); m > 0; m--)
        {
            int at = r.Next(text.Length + 1);
            text = r.Next(9) switch
            {
                0 => text[..at], // truncated
                1 => text.Insert(at, GarbageTokens[r.Next(GarbageTokens.Length)]),
                2 => text.Length > 0 ? text.Remove(Math.Min(at, text.Length - 1), 1) : text,
                3 => ReplaceNumber(r, text, r.Next(3) switch { 0 => "99999999999999999999", 1 => "0", _ => r.Next(8193, int.MaxValue).ToString(CultureInfo.InvariantCulture) }),
                4 => ReplaceNumber(r, text, "-" + r.Next(1, 100).ToString(CultureInfo.InvariantCulture)),
                5 => text.Replace(r.Next(2) == 0 ? '|' : ',', r.Next(2) == 0 ? ',' : '|'),
                6 => text.Insert(at, r.Next(2) == 0 ? "|" : ","),
                7 => string.Concat(Enumerable.Repeat(text, r.Next(2, 4))),
                _ => text.Insert(at, ((char)r.Next(1, 0xD7FF)).ToString()),
            };
        }
        return text;
    }

    private static string ReplaceNumber(Random r, string text, string number)
    {
        var digits = Enumerable.Range(0, text.Length).Where(i => char.IsAsciiDigit(text[i]) && (i == 0 || !char.IsAsciiDigit(text[i - 1]))).ToArray();
        if (digits.Length == 0) return text + number;
        int start = digits[r.Next(digits.Length)], end = start;
        while (end < text.Length && char.IsAsciiDigit(text[end])) end++;
        return text[..start] + number + text[end..];
    }

    private static string Garbage(Random r)
    {
        int length = r.Next(0, 200);
        var sb = new StringBuilder(length);
        for (int i = 0; i < length; i++)
            sb.Append(r.Next(3) == 0 ? "|,_0123456789ceshkiruf"[r.Next(22)] : (char)r.Next(1, 0xD7FF));
        return sb.ToString();
    }
}
