using System.Runtime.CompilerServices;
using FBNetV2.MLNet.Architecture;

namespace FBNetV2.MLNet.Blocks;

/// <summary>
/// The one place where block kinds are registered. Each kind is one descriptor class in this folder holding all its
/// parts (token, exact cost, module, ONNX emitter, latency family, super-module); adding a kind is its descriptor, its
/// <see cref="BlockKind"/> value and a line here. Registration runs when the assembly loads, before any architecture is
/// parsed, so that the bottom layer can look kinds up without referring to the layers above it.
/// </summary>
internal static class BlockCatalog
{
#pragma warning disable CA2255 // a module initializer is how the bottom layer's registry gets its kinds without depending upwards
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void RegisterAll()
    {
        BlockType.Register(new InvertedResidualType());
        BlockType.Register(new SkipType());
        BlockType.Register(new FusedMBConvType());
    }
}
