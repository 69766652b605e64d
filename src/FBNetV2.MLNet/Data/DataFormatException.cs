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
    public DataFormatException(string message) : base(message) { }

    public DataFormatException(string message, Exception innerException) : base(message, innerException) { }
}
