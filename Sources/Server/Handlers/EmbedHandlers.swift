import Engine
import JSON
import JSONRPC
import MinosProtocol

/// `text/embed` (Engine's `LoadedModel.embeddings`).
extension MinosServer {
    func registerEmbedHandlers() {
        connection.register(TextEmbed.self) { [self] params, _ in
            let model = try engine.model(params.model)
            let pooling: Pooling = switch params.pooling {
            case .mean: .mean
            case .cls: .cls
            case .last: .last
            }
            let result = try await model.embeddings(for: params.texts, pooling: pooling, normalize: params.normalize,
                                                    truncate: params.truncate)
            return TextEmbed.Result(embeddings: result.vectors, dimension: result.dimension, tokens: result.tokenCounts)
        }
    }
}
