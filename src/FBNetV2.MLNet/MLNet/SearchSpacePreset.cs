namespace FBNetV2.MLNet;

/// <summary>The predefined search space <see cref="SearchFBNetOptions.SearchSpace"/> selects.</summary>
public enum SearchSpacePreset
{
    /// <summary>Chosen from the input size: <see cref="Compact"/> below 96 px, else <see cref="Photo"/>.</summary>
    Auto,

    /// <summary>Small images (28-64 px): few, narrow stages.</summary>
    Compact,

    /// <summary>
    /// Photos (96 px and up), worked on at 38-96 px: the input is average-pooled inside the network, so a CPU searches it
    /// in minutes.
    /// </summary>
    Photo,

    /// <summary>FBNetV2's space at full resolution, for 128 px and up: for a GPU.</summary>
    ImageNet,
}
