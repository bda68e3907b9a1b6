import DataTools
import Engine
import JSON
import JSONRPC
import Kernels
import MinosProtocol

/// `data/select` and `data/mix`: decode, call DataTools (embedding through the loaded model for
/// selection), encode; `DataError` becomes a wire error here.
extension MinosServer {
    func registerDataHandlers() {
        connection.register(DataSelect.self) { [self] params, context in
            guard (params.texts == nil) != (params.file == nil) else {
                throw RPCError.invalidParams("give exactly one of texts and file", path: "params.texts")
            }
            guard let metric = KCenter.Metric(rawValue: params.metric) else {
                throw RPCError.invalidParams("unknown metric \(params.metric)", path: "params.metric")
            }
            let model = try engine.model(params.model)
            let texts = try params.texts ?? Self.mapDataError { () throws(DataError) in
                try ExampleReader.read(path: params.file!).map(\.text)
            }
            guard params.k <= texts.count else {
                throw RPCError.invalidParams("k = \(params.k) exceeds the \(texts.count) examples", path: "params.k")
            }
            let pooling = Pooling(rawValue: params.pooling.rawValue) ?? .mean
            context.beginProgress(title: "Embedding \(texts.count) examples", percentage: 0)
            defer { context.endProgress() }
            var matrix: EmbeddingMatrix?
            let batch = 64
            for start in stride(from: 0, to: texts.count, by: batch) {
                if Task.isCancelled { throw RPCError.cancelled() }
                let end = min(start + batch, texts.count)
                let vectors = try await model.embed(Array(texts[start..<end]), pooling: pooling, normalize: true)
                try Self.mapDataError { () throws(DataError) in
                    if matrix == nil, let first = vectors.first { matrix = EmbeddingMatrix(dimension: first.count) }
                    for vector in vectors { try matrix?.append(vector) }
                }
                if end / 1000 > start / 1000 || end == texts.count {
                    context.reportProgress(message: "\(end)/\(texts.count) examples embedded", percentage: 90 * end / texts.count)
                }
            }
            guard let matrix else { throw RPCError.invalidParams("no examples", path: "params.texts") }
            let seed = UInt64(params.seed)
            // k-center and Vendi are plain CPU loops run inline: O(n·d·k), seconds at 100k × 384.
            let selection = try Self.mapDataError { () throws(DataError) in
                if params.rounds == 1 {
                    return try KCenter.select(matrix, k: params.k, metric: metric, seed: seed, cancelled: { Task.isCancelled })
                }
                let perRound = params.perRound ?? (params.k + params.rounds - 1) / params.rounds
                return try KCenter.diverseEvol(matrix, rounds: params.rounds, perRound: perRound, limit: params.k,
                                               metric: metric, seed: seed, cancelled: { Task.isCancelled })
            }
            context.reportProgress(message: "scoring", percentage: 95)
            var generator = SplitMix64(seed: seed)
            let randomRows = KCenter.sample(selection.indices.count, of: matrix.rows, using: &generator)
            let selected = Vendi.score(matrix.subset(selection.indices), seed: seed)
            let random = Vendi.score(matrix.subset(randomRows), seed: seed)
            return DataSelect.Result(
                indices: selection.indices, radii: selection.radii,
                vendi: .init(selected: selected.value, random: random.value, sampled: selected.sampled), examples: matrix.rows)
        }

        connection.register(DataMix.self) { params, _ in
            try Self.mapDataError { () throws(DataError) in
                var specialized: [String: [TrainingExample]] = [:]
                for (name, path) in params.specialized { specialized[name] = try ExampleReader.read(path: path) }
                let general = try ExampleReader.read(path: params.general)
                let plan = try DMTPlan.make(specialized: specialized, general: general, fraction: params.fraction,
                                            seed: UInt64(params.seed))
                let files = try plan.write(to: params.outputDirectory)
                return DataMix.Result(stage1: specialized.mapValues(\.count), stage2: plan.sampled, general: general.count,
                                      stage1Total: plan.stage1.count, stage2Total: plan.stage2.count, files: files)
            }
        }
    }

    /// Runs `body`, turning a `DataError` into its wire error.
    static func mapDataError<T>(_ body: () throws(DataError) -> T) throws(RPCError) -> T {
        do { return try body() } catch {
            switch error {
            case .invalidArgument(let field, let message): throw .invalidParams(message, path: "params.\(field)")
            case .badLine(let path, let line, _):
                throw RPCError(.invalidParams, error.description, data: ["file": .string(path), "line": .int(Int64(line))])
            case .io: throw RPCError(.internalError, error.description)
            case .cancelled: throw .cancelled()
            }
        }
    }
}
