using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace FBNetV2.MLNet.Latency;

/// <summary>
/// Where and how a latency table was measured. A table only predicts latency for the same machine, ONNX Runtime
/// version, execution provider, thread count and batch size; anything else is a foreign table.
/// </summary>
/// <param name="Machine">Host name.</param>
/// <param name="Cpu">CPU model (from /proc/cpuinfo, else the processor architecture).</param>
/// <param name="LogicalCores">Logical processors the process sees.</param>
/// <param name="Os">Operating system description.</param>
/// <param name="Runtime">ONNX Runtime and its version, e.g. <c>onnxruntime 1.31.1</c>.</param>
/// <param name="ExecutionProvider"><c>cpu</c> or <c>cuda</c>.</param>
/// <param name="Threads">ONNX Runtime intra-op threads of the measurements.</param>
/// <param name="Batch">Images per inference call of the measurements.</param>
public sealed record LatencyTableIdentity(string Machine, string Cpu, int LogicalCores, string Os, string Runtime,
    string ExecutionProvider, int Threads, int Batch)
{
    /// <summary>This process's machine and ONNX Runtime, with the given measurement settings.</summary>
    public static LatencyTableIdentity Current(string executionProvider, int threads, int batch) =>
        new(Environment.MachineName, CpuModel(), Environment.ProcessorCount, RuntimeInformation.OSDescription,
            "onnxruntime " + OrtEnv.Instance().GetVersionString(), executionProvider, threads, batch);

    /// <summary>The first field that differs from <paramref name="expected"/>, described for an error message; null when they agree.</summary>
    public string? Difference(LatencyTableIdentity expected)
    {
        (string Field, object Have, object Want)[] fields =
        [
            ("machine", Machine, expected.Machine), ("CPU", Cpu, expected.Cpu), ("logical cores", LogicalCores, expected.LogicalCores),
            ("OS", Os, expected.Os), ("runtime", Runtime, expected.Runtime), ("execution provider", ExecutionProvider, expected.ExecutionProvider),
            ("threads", Threads, expected.Threads), ("batch", Batch, expected.Batch),
        ];
        var diff = fields.FirstOrDefault(f => !Equals(f.Have, f.Want));
        return diff.Field is null ? null : $"{diff.Field} is '{diff.Have}' in the table but '{diff.Want}' here";
    }

    /// <summary>One line for messages, e.g. <c>host (CPU model, 16 cores), onnxruntime 1.31.1 cpu, 1 thread(s), batch 1</c>.</summary>
    public override string ToString() => $"{Machine} ({Cpu}, {LogicalCores} cores), {Runtime} {ExecutionProvider}, {Threads} thread(s), batch {Batch}";

    private static string CpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                    if (line.StartsWith("model name", StringComparison.Ordinal)) return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
