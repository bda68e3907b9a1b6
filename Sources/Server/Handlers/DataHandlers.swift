import DataTools
import Engine
import JSON
import JSONRPC
import MinosProtocol
import Store

/// The data tools: datasets (`data/import|list|delete`), `data/select` and `data/mix`. Each decodes,
/// makes one call into DataTools (selection embeds through the loaded model and reserves its matrix
/// against the engine's budget), encodes; `DataError` becomes a wire error in ErrorMapping.
extension MinosServer {
    func registerDataHandlers() {
        let datasets = Datasets(store: store)

        connection.register(DataImport.self) { params, _ in
            let source = try Self.source(texts: params.texts, file: params.file, dataset: nil, names: "texts and file")
            return Self.wire(try datasets.importExamples(name: params.name, from: source, replace: params.replace))
        }

        connection.register(DataList.self) { _, _ in
            DataList.Result(datasets: try datasets.list().map(Self.wire))
        }

        connection.register(DataDelete.self) { params, _ in
            guard try datasets.delete(named: params.name) else {
                throw DataError.notFound(field: "name", message: "no dataset named \(params.name)")
            }
            return DataDelete.Result(deleted: params.name)
        }

        connection.register(DataSelect.self) { [self] params, context in
            let model = try engine.model(params.model)
            let source = try Self.source(texts: params.texts, file: params.file, dataset: params.dataset, names: "texts, file and dataset")
            let texts = try datasets.examples(source).map(\.text)
            let options = DiverseSelection.Options(
                k: params.k, metric: KCenter.Metric(rawValue: params.metric) ?? .cosine, rounds: params.rounds,
                perRound: params.perRound, seed: UInt64(params.seed))
            let pooling = Pooling(rawValue: params.pooling.rawValue) ?? .mean
            context.beginProgress(title: "Embedding \(texts.count) examples", percentage: 0)
            defer { context.endProgress() }
            let outcome = try await DiverseSelection.run(
                texts: texts, options: options,
                embed: { batch in try await model.embed(batch, pooling: pooling, normalize: true) },
                reserve: { [engine] bytes in try engine.budget.reservation(bytes) },
                progress: { stage in
                    switch stage {
                    case .embedded(let done, let total):
                        context.reportProgress(message: "\(done)/\(total) examples embedded", percentage: 90 * done / total)
                    case .selecting: context.reportProgress(message: "selecting", percentage: 90)
                    case .scoring: context.reportProgress(message: "scoring", percentage: 95)
                    }
                })
            return DataSelect.Result(
                indices: outcome.selection.indices, radii: outcome.selection.radii,
                vendi: .init(selected: outcome.selected.value, random: outcome.random.value, sampled: outcome.selected.sampled),
                examples: outcome.examples)
        }

        connection.register(DataMix.self) { params, _ in
            var specialized = (params.specialized ?? [:]).mapValues { Datasets.Source.file($0) }
            for (name, dataset) in params.specializedDatasets ?? [:] {
                guard specialized[name] == nil else {
                    throw RPCError.invalidParams("the set \(name) is named in both specialized and specializedDatasets",
                                                 path: "params.specializedDatasets")
                }
                specialized[name] = .stored(dataset)
            }
            guard (params.general == nil) != (params.generalDataset == nil) else {
                throw RPCError.invalidParams("give exactly one of general and generalDataset", path: "params.general")
            }
            let general = params.general.map { Datasets.Source.file($0) } ?? .stored(params.generalDataset!)
            let mixed = try datasets.mix(specialized: specialized, general: general, fraction: params.fraction,
                                         seed: UInt64(params.seed), directory: params.outputDirectory)
            return DataMix.Result(stage1: mixed.counts, stage2: mixed.plan.sampled, general: mixed.general,
                                  stage1Total: mixed.plan.stage1.count, stage2Total: mixed.plan.stage2.count, files: mixed.files)
        }
    }

    /// The one source a request gives among `texts`, `file` and `dataset`; `names` lists the ones
    /// the method takes, for the error.
    static func source(texts: [String]?, file: String?, dataset: String?, names: String) throws(RPCError) -> Datasets.Source {
        let given = [texts.map { Datasets.Source.texts($0) }, file.map { .file($0) }, dataset.map { .stored($0) }].compactMap { $0 }
        guard given.count == 1, let source = given.first else {
            throw RPCError.invalidParams("give exactly one of \(names)", path: "params.texts")
        }
        return source
    }

    static func wire(_ record: Store.DatasetRecord) -> DatasetWire.Dataset {
        DatasetWire.Dataset(name: record.name, source: record.source, examples: record.examples, createdAt: record.createdAt)
    }
}
