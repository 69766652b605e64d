using FBNetV2.MLNet.Architecture;

namespace FBNetV2.MLNet.Search;

/// <summary>A derived candidate: how it was obtained, its exact cost and its accuracy with inherited supernet weights.</summary>
public sealed record CandidateScore(string Origin, FBNetArchitecture Architecture, double Cost, double InheritedAccuracy, double LogProbability);
