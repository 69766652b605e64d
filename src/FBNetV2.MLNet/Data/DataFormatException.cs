namespace FBNetV2.MLNet.Data;

/// <summary>
/// A data file or folder is missing, malformed or inconsistent. The message names the file, says what was expected
/// and what was found, and how to fix it.
/// </summary>
/// <remarks>
/// Derives from <see cref="IOException"/> because <see cref="InvalidDataException"/>, the closer match, is sealed.
/// </remarks>
public sealed class DataFormatException : IOException
{
    /// <summary>A data problem described by <paramref name="message"/> (name the file, what was expected and the fix).</summary>
    public DataFormatException(string message) : base(message) { }

    /// <summary>A data problem found through <paramref name="innerException"/> (a decoder's or the file system's error).</summary>
    public DataFormatException(string message, Exception innerException) : base(message, innerException) { }
}
