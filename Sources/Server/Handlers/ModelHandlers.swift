import Engine
import JSON
import JSONRPC
import MinosProtocol

/// `model/load`, `model/unload`, `model/list`, and the tokenizer methods.
extension MinosServer {
    func registerModelHandlers() {
        connection.register(ModelLoad.self) { [self] params, context in
            context.beginProgress(title: "Loading \(params.path)", percentage: 0)
            defer { context.endProgress() }
            let model = try await engine.load(path: params.path, name: params.name, contextLength: params.contextLength) { stage, percent in
                context.reportProgress(message: stage, percentage: percent)
            }
            logger.info("loaded \(model.name) (\(model.configuration.architecture), \(model.parameterCount) parameters) from \(params.path)")
            for warning in model.loadWarnings { logger.warning("\(model.name): \(warning)") }
            return Self.info(model)
        }

        connection.register(ModelUnload.self) { [self] params, _ in
            try engine.unload(params.name)
            return ModelUnload.Result(unloaded: params.name)
        }

        connection.register(ModelList.self) { [self] _, _ in
            ModelList.Result(models: engine.models.map(Self.info),
                             memory: .init(limit: engine.memoryLimit, reserved: engine.reservedBytes))
        }

        connection.register(TextTokenize.self) { [self] params, _ in
            let model = try engine.model(params.model)
            let tokens = model.tokenizer.encode(params.text, addSpecial: params.addSpecial,
                                                parseSpecial: params.parseSpecial)
            let pieces = params.pieces
                ? tokens.map { String(decoding: model.tokenizer.piece($0), as: UTF8.self) } : nil
            return TextTokenize.Result(tokens: tokens, pieces: pieces)
        }

        connection.register(TextDetokenize.self) { [self] params, _ in
            let model = try engine.model(params.model)
            let tokens = try model.checkedTokens(params.tokens.map(Int64.init), field: "tokens")
            return TextDetokenize.Result(text: model.tokenizer.decode(tokens, skipSpecial: params.skipSpecial))
        }
    }

    static func info(_ model: LoadedModel) -> ModelWire.Info {
        ModelWire.Info(
            name: model.name, path: model.path, architecture: model.configuration.architecture,
            parameters: model.parameterCount, quantTypes: model.weightEncodings.map(\.description),
            contextLength: model.contextLength, trainedContextLength: model.configuration.contextLength,
            vocabularySize: model.configuration.vocabularySize, bytesResident: model.bytesResident,
            chatTemplate: model.chatTemplate.name, warnings: model.loadWarnings.isEmpty ? nil : model.loadWarnings)
    }
}
