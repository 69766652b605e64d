using System.Diagnostics;

namespace FBNetV2.MLNet.Tests.Reliability;

/// <summary>
/// Folders that really refuse writes, for the fault tests. chmod 555 stops an ordinary user but not root, and these
/// tests usually run as root in containers: there a read-only tmpfs mount (EROFS) or the immutable attribute
/// (chattr +i, EPERM) stands in. Each is a real refusal by the kernel, never a stand-in path that fails for another
/// reason.
/// </summary>
internal sealed class ReadOnlyFolder : IDisposable
{
    private readonly Action undo;

    private ReadOnlyFolder(string path, string how, Action undo)
    {
        Path = path;
        How = how;
        this.undo = undo;
    }

    public string Path { get; }

    /// <summary>Which mechanism made it read-only (for assertion messages).</summary>
    public string How { get; }

    /// <summary>Null when no mechanism works here (root without CAP_SYS_ADMIN and CAP_LINUX_IMMUTABLE).</summary>
    public static ReadOnlyFolder? TryCreate(string parent)
    {
        if (OperatingSystem.IsWindows()) return null; // no Unix modes, mounts or chattr
        var folder = Directory.CreateDirectory(System.IO.Path.Combine(parent, "read-only")).FullName;
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        void Writable()
        {
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        if (!CanWrite(folder)) return new ReadOnlyFolder(folder, "chmod 555", Writable);
        Writable();
        if (FileSystemFaults.Mount(folder, "ro,size=4k"))
        {
            if (!CanWrite(folder)) return new ReadOnlyFolder(folder, "read-only tmpfs mount", () => FileSystemFaults.Unmount(folder));
            FileSystemFaults.Unmount(folder);
        }
        if (FileSystemFaults.Run("chattr", "+i", folder))
        {
            if (!CanWrite(folder)) return new ReadOnlyFolder(folder, "chattr +i", () => FileSystemFaults.Run("chattr", "-i", folder));
            FileSystemFaults.Run("chattr", "-i", folder);
        }
        return null;
    }

    private static bool CanWrite(string folder)
    {
        string probe = System.IO.Path.Combine(folder, "probe");
        try
        {
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }

    public void Dispose() => undo();
}

internal static class FileSystemFaults
{
    /// <summary>Null when a tmpfs can be mounted here (root with CAP_SYS_ADMIN); otherwise why not.</summary>
    public static readonly Lazy<string?> MountRefused = new(() =>
    {
        var probe = Directory.CreateTempSubdirectory("fbnet-mount-probe-").FullName;
        try
        {
            if (!Mount(probe, "size=4k")) return "mount -t tmpfs is not permitted here (needs root with CAP_SYS_ADMIN)";
            Unmount(probe);
            return null;
        }
        finally
        {
            Directory.Delete(probe);
        }
    });

    /// <summary>Null when <see cref="ReadOnlyFolder.TryCreate"/> works here; otherwise why not.</summary>
    public static readonly Lazy<string?> ReadOnlyRefused = new(() =>
    {
        var probe = Directory.CreateTempSubdirectory("fbnet-ro-probe-").FullName;
        try
        {
            using var folder = ReadOnlyFolder.TryCreate(probe);
            return folder is null ? "no way to make a read-only folder here (running as root without CAP_SYS_ADMIN for a read-only mount or CAP_LINUX_IMMUTABLE for chattr +i)" : null;
        }
        finally
        {
            Directory.Delete(probe, recursive: true);
        }
    });

    public static bool Mount(string folder, string options) => Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", folder);

    public static void Unmount(string folder)
    {
        if (!Run("umount", folder)) throw new InvalidOperationException($"umount {folder} failed");
    }

    public static bool Run(string command, params string[] args)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
