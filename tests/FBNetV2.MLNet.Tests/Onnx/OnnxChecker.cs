using System.ComponentModel;
using System.Diagnostics;

namespace FBNetV2.MLNet.Tests.Onnx;

/// <summary>
/// Runs the reference checker, onnx.checker.check_model(full_check=True), from the Python onnx package on many files
/// in one process (starting Python per file would dominate the test time). The interpreter is FBNET_PYTHON if set,
/// else the first of python3 on PATH and Debian's /usr/bin/python3 (where python3-onnx installs, and which a pyenv
/// or venv python3 earlier on PATH hides) that can import onnx.
/// </summary>
public static class OnnxChecker
{
    private const string Script = """
        import sys, onnx
        bad = 0
        for p in sys.argv[1:]:
            try:
                onnx.checker.check_model(onnx.load(p), full_check=True)
            except Exception as e:
                bad += 1
                print(f"FAIL {p}: {e}")
        print(f"checked {len(sys.argv) - 1} models with onnx {onnx.__version__}, {bad} failed")
        sys.exit(1 if bad else 0)
        """;

    /// <summary>Null when python3 or its onnx module is missing; otherwise the exit code and the checker's output.</summary>
    public static (int ExitCode, string Output)? Check(IEnumerable<string> paths)
    {
        var python = FindPython();
        return python is null ? null : Run(python, ["-c", Script, .. paths]);
    }

    private static readonly Lazy<string?> Python = new(() =>
    {
        var configured = Environment.GetEnvironmentVariable("FBNET_PYTHON");
        string[] candidates = string.IsNullOrEmpty(configured) ? ["python3", "/usr/bin/python3"] : [configured];
        return candidates.FirstOrDefault(p => Run(p, ["-c", "import onnx"]) is { ExitCode: 0 });
    });

    /// <summary>The interpreter that can import onnx, or null (looked up once per test run).</summary>
    public static string? FindPython() => Python.Value;

    private static (int ExitCode, string Output)? Run(string python, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            var stdout = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, stdout + stderr.Result);
        }
        catch (Win32Exception)
        {
            return null; // no such interpreter
        }
    }
}
