import GGUF

/// A model architecture Minos can run: the GGUF `general.architecture` name it answers to and
/// how its blocks differ from the common decoder.
public protocol ModelArchitecture: SendableMetatype {
    static var ggufName: String { get }
    static var ropeStyle: ModelConfiguration.RopeStyle { get }
    static var features: BlockFeatures { get }
}

/// A loaded architecture's configuration and weights, ready for the engine.
public struct TransformerModel: Sendable {
    public var configuration: ModelConfiguration
    public var features: BlockFeatures
    public var weights: TransformerWeights
}

/// Maps GGUF architecture names to architectures.
public enum ArchitectureRegistry {
    public static let all: [any ModelArchitecture.Type] = [
        LlamaArchitecture.self,
        Qwen2Architecture.self,
        Qwen3Architecture.self,
    ]

    public static var names: [String] { all.map { $0.ggufName } }

    /// Reads `general.architecture` and builds that architecture's model from `file`.
    public static func load(_ file: GGUFFile) throws(ModelError) -> TransformerModel {
        guard let name = file.string("general.architecture") else {
            throw ModelError.missingMetadata("general.architecture")
        }
        guard let architecture = all.first(where: { $0.ggufName == name }) else {
            throw ModelError.unsupportedArchitecture(name, supported: names)
        }
        let configuration = try ModelConfiguration(file: file, architecture: name, ropeStyle: architecture.ropeStyle)
        let weights = try TransformerWeights(file: file, configuration: configuration, features: architecture.features)
        return TransformerModel(configuration: configuration, features: architecture.features, weights: weights)
    }
}
