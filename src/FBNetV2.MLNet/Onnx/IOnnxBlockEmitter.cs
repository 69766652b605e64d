using FBNetV2.MLNet.Architecture;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Onnx;

/// <summary>A block kind's ONNX emitter: implemented by the kind's <see cref="BlockType"/> descriptor.</summary>
internal interface IOnnxBlockEmitter
{
    /// <param name="g">The graph being built.</param>
    /// <param name="name">Prefix of the block's node and initializer names.</param>
    /// <param name="module">The block's module, as the kind's <c>CreateModule</c> made it.</param>
    /// <param name="x">The block's input value.</param>
    /// <param name="residual">False leaves a residual add out (the latency profiler times it on its own).</param>
    /// <returns>The name of the block's output value.</returns>
    string Emit(OnnxGraphBuilder g, string name, nn.Module<Tensor, Tensor> module, string x, bool residual);
}
