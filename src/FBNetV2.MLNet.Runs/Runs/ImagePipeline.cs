using Microsoft.ML;
using Microsoft.ML.Transforms.Image;

namespace FBNetV2.MLNet.Runs;

/// <summary>
/// The ML.NET front of every FBNet model: ImagePath -> LoadImages -> ResizeImages -> [ConvertToGrayscale] ->
/// ExtractPixels (scaled to [0, 1]) into "Features".
/// </summary>
internal static class ImagePipeline
{
    public const string ImagePathColumn = "ImagePath";
    public const string LabelColumn = "Label";
    public const string FeaturesColumn = "Features";

    public static IEstimator<ITransformer> Pixels(MLContext ml, int channels, int size)
    {
        var load = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: ImagePathColumn)
            .Append(ml.Transforms.ResizeImages("Image", size, size));
        return channels == 1
            ? load.Append(ml.Transforms.ConvertToGrayscale("Image"))
                .Append(ml.Transforms.ExtractPixels(FeaturesColumn, "Image", colorsToExtract: ImagePixelExtractingEstimator.ColorBits.Red, scaleImage: 1f / 255))
            : load.Append(ml.Transforms.ExtractPixels(FeaturesColumn, "Image", scaleImage: 1f / 255));
    }
}
