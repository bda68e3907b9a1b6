import JSON
import Store

/// Named datasets kept in the store: imported once from a JSONL file (Alpaca or ShareGPT lines) or
/// from plain texts, then read back by selection and mixing by name. Each example is stored as its
/// ShareGPT record, so what comes back is what was read.
package struct Datasets: Sendable {
    private let store: Store

    package init(store: Store) {
        self.store = store
    }

    /// Where a data tool's examples come from.
    package enum Source: Sendable, Equatable {
        /// Plain texts; each is one human turn.
        case texts([String])
        /// A JSONL file of Alpaca or ShareGPT lines.
        case file(String)
        /// A dataset stored earlier with `importExamples`.
        case stored(String)
    }

    /// The examples `source` names; a missing stored dataset throws `.notFound` naming `field`.
    package func examples(_ source: Source, field: String = "dataset") throws(DataError) -> [TrainingExample] {
        switch source {
        case .texts(let texts): return texts.map { TrainingExample(turns: [.init(from: "human", value: $0)]) }
        case .file(let path): return try ExampleReader.read(path: path)
        case .stored(let name):
            guard let records = try DataError.fromStore({ () throws(StoreError) in try store.datasetRecords(named: name) }) else {
                throw .notFound(field: field, message: "no dataset named \(name)")
            }
            var examples: [TrainingExample] = []
            examples.reserveCapacity(records.count)
            for (i, record) in records.enumerated() {
                examples.append(try ExampleReader.parseLine(Array(record.utf8), path: "dataset \(name)", line: i + 1))
            }
            return examples
        }
    }

    /// Reads `source` (texts or a file) and stores it as dataset `name`. Without `replace`, an
    /// existing dataset of that name is an error and is left as it was.
    package func importExamples(name: String, from source: Source, replace: Bool) throws(DataError) -> Store.DatasetRecord {
        let origin: String
        switch source {
        case .texts: origin = "texts"
        case .file(let path): origin = path
        case .stored(let other): origin = "dataset \(other)"
        }
        let examples = try self.examples(source, field: "source")
        guard !examples.isEmpty else { throw .invalidArgument(field: "file", message: "\(origin) holds no examples") }
        let records = examples.map { $0.shareGPT.serializedString() }
        let saved = try DataError.fromStore { () throws(StoreError) in
            try store.saveDataset(name: name, source: origin, records: records, replace: replace)
        }
        guard let saved else {
            throw .invalidArgument(field: "name", message: "a dataset named \(name) exists; pass replace: true to overwrite it")
        }
        return saved
    }

    package func list() throws(DataError) -> [Store.DatasetRecord] {
        try DataError.fromStore { () throws(StoreError) in try store.datasets() }
    }

    /// Deletes dataset `name`; false when there was none.
    package func delete(named name: String) throws(DataError) -> Bool {
        try DataError.fromStore { () throws(StoreError) in try store.deleteDataset(named: name) }
    }

    /// `data/mix` in one call: the examples of every named specialized source and of the general
    /// one, DMT's plan, and its files written into `directory`.
    package func mix(specialized: [String: Source], general: Source, fraction: Double, seed: UInt64,
                     directory: String) throws(DataError) -> (plan: DMTPlan, counts: [String: Int], general: Int, files: [String]) {
        guard !specialized.isEmpty else {
            throw .invalidArgument(field: "specialized", message: "give at least one specialized set (specialized or specializedDatasets)")
        }
        var sets: [String: [TrainingExample]] = [:]
        for (name, source) in specialized { sets[name] = try examples(source, field: "specializedDatasets") }
        let generalExamples = try examples(general, field: "generalDataset")
        let plan = try DMTPlan.make(specialized: sets, general: generalExamples, fraction: fraction, seed: seed)
        return (plan, sets.mapValues(\.count), generalExamples.count, try plan.write(to: directory))
    }
}
