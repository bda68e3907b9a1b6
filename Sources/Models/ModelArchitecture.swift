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

    /// Every architecture name Minos loads: the decoders, then the encoders.
    public static var names: [String] { all.map { $0.ggufName } + [BertArchitecture.ggufName] }

    /// Reads `general.architecture` and builds that architecture's network: a decoder, or an
    /// encoder (`bert`), which only embeds text.
    public static func loadNetwork(_ file: GGUFFile) throws(ModelError) -> ModelNetwork {
        let name = try architectureName(file)
        if name == BertArchitecture.ggufName { return .encoder(try BertModel(file: file)) }
        guard names.contains(name) else { throw ModelError.unsupportedArchitecture(name, supported: names) }
        return .decoder(try load(file))
    }

    /// Reads `general.architecture` and builds that decoder architecture's model from `file`.
    public static func load(_ file: GGUFFile) throws(ModelError) -> TransformerModel {
        let name = try architectureName(file)
        guard let architecture = all.first(where: { $0.ggufName == name }) else {
            throw ModelError.unsupportedArchitecture(name, supported: all.map { $0.ggufName })
        }
        let configuration = try ModelConfiguration(file: file, architecture: name, ropeStyle: architecture.ropeStyle)
        let weights = try TransformerWeights(file: file, configuration: configuration, features: architecture.features)
        return TransformerModel(configuration: configuration, features: architecture.features, weights: weights)
    }

    private static func architectureName(_ file: GGUFFile) throws(ModelError) -> String {
        guard let name = file.string("general.architecture") else { throw ModelError.missingMetadata("general.architecture") }
        return name
    }
}

/// What a GGUF file holds: a decoder that generates and scores, or an encoder that embeds.
public enum ModelNetwork: Sendable {
    case decoder(TransformerModel)
    case encoder(BertModel)
}
