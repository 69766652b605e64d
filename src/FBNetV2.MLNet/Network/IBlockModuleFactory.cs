using FBNetV2.MLNet.Architecture;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Network;

/// <summary>A block kind's TorchSharp module: implemented by the kind's <see cref="BlockType"/> descriptor.</summary>
internal interface IBlockModuleFactory
{
    nn.Module<Tensor, Tensor> CreateModule(BlockSpec spec, int inChannels);
}
