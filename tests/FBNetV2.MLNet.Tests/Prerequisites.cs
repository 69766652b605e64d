using FBNetV2.MLNet.Data;
using FBNetV2.MLNet.Tests.Onnx;
using Xunit;

namespace FBNetV2.MLNet.Tests;

/// <summary>Something a test needs beyond the .NET SDK. .ci/run installs each of these.</summary>
public enum Prerequisite
{
    /// <summary>The full Fashion-MNIST IDX files (Debian package dataset-fashion-mnist).</summary>
    FashionMnist,

    /// <summary>A Python with the onnx module (Debian package python3-onnx) for the reference checker.</summary>
    PythonOnnx,

    /// <summary>Mounting a tmpfs (root with CAP_SYS_ADMIN). A permission of the machine: .ci/run cannot install it.</summary>
    MountTmpfs,

    /// <summary>A folder the test process cannot write to (chmod for a user; a read-only mount or chattr +i for root). A permission of the machine.</summary>
    ReadOnlyFolder,
}

/// <summary>
/// A fact that needs a <see cref="Prerequisite"/>. Where it is missing the test is reported as skipped with the reason
/// and the fix, so a missing prerequisite is visible in the summary instead of a silent pass. Under CI (CI=true), where
/// .ci/run installs every prerequisite, nothing is skipped: the test runs and fails on what is missing.
/// </summary>
public sealed class RequiresFactAttribute : FactAttribute
{
    public RequiresFactAttribute(Prerequisite prerequisite)
    {
        if (Prerequisites.Missing(prerequisite) is not { } why) return;
        if (!Prerequisites.InstalledByCi(prerequisite))
            Skip = $"{why} (a permission of this machine, not something .ci/run can install).";
        else if (!Prerequisites.UnderCi)
            Skip = $"{why} (under CI=true this is a failure: .ci/run installs it).";
    }
}

public static class Prerequisites
{
    public static bool UnderCi => Environment.GetEnvironmentVariable("CI") is { } ci
                                  && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");

    /// <summary>True for what .ci/run installs (packages); false for permissions of the machine.</summary>
    public static bool InstalledByCi(Prerequisite prerequisite) => prerequisite is Prerequisite.FashionMnist or Prerequisite.PythonOnnx;

    /// <summary>Null when the prerequisite is there; otherwise what is missing and how to install it.</summary>
    public static string? Missing(Prerequisite prerequisite) => prerequisite switch
    {
        Prerequisite.FashionMnist => FashionMnist.IsAvailable()
            ? null
            : $"the full Fashion-MNIST IDX files are not in {FashionMnist.DefaultDirectory}: apt-get install dataset-fashion-mnist",
        Prerequisite.PythonOnnx => OnnxChecker.FindPython() is not null
            ? null
            : "no python3 with the onnx module was found (FBNET_PYTHON, python3 on PATH, /usr/bin/python3): apt-get install python3-onnx",
        Prerequisite.MountTmpfs => Reliability.FileSystemFaults.MountRefused.Value,
        Prerequisite.ReadOnlyFolder => Reliability.FileSystemFaults.ReadOnlyRefused.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(prerequisite), prerequisite, "unknown prerequisite"),
    };

    /// <summary>For a test that runs anyway (only under CI, see <see cref="RequiresFactAttribute"/>): fails with the reason.</summary>
    public static void Require(Prerequisite prerequisite)
    {
        if (Missing(prerequisite) is { } why)
            Assert.Fail($"CI=true and a prerequisite .ci/run installs is missing: {why}.");
    }
}
