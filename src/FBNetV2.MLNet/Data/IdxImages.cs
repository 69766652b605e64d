namespace FBNetV2.MLNet.Data;

/// <summary>Images read from an IDX file: <see cref="Count"/> images of <see cref="Rows"/> x <see cref="Cols"/> bytes, row-major.</summary>
/// <param name="Count">Number of images.</param>
/// <param name="Rows">Image height in pixels.</param>
/// <param name="Cols">Image width in pixels.</param>
/// <param name="Pixels">Count * Rows * Cols bytes, one image after another, 0 = background.</param>
internal sealed record IdxImages(int Count, int Rows, int Cols, byte[] Pixels);
