import Foundation
import Store
import Testing
@testable import DataTools

@Suite("Stored datasets and the selection workflow")
struct DatasetsTests {
    func file(_ lines: [String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dataset-\(UUID()).jsonl").path
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("an imported file reads back as the same examples; names are kept unless replaced; delete and missing names")
    func importListDelete() throws {
        let datasets = Datasets(store: try Store(path: ":memory:"))
        let path = try file([#"{"instruction": "Add", "input": "2 and 3", "output": "5"}"#, "",
                             #"{"conversations": [{"from": "user", "value": "Hi"}, {"from": "assistant", "value": "Hello"}]}"#])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let record = try datasets.importExamples(name: "mixed", from: .file(path), replace: false)
        #expect(record.examples == 2 && record.source == path)
        #expect(try datasets.examples(.stored("mixed")) == (try ExampleReader.read(path: path)))
        #expect(throws: DataError.invalidArgument(field: "name", message: "a dataset named mixed exists; pass replace: true to overwrite it")) {
            try datasets.importExamples(name: "mixed", from: .texts(["one"]), replace: false)
        }
        #expect(try datasets.examples(.stored("mixed")).count == 2)
        _ = try datasets.importExamples(name: "mixed", from: .texts(["one", "two", "three"]), replace: true)
        #expect(try datasets.examples(.stored("mixed")).map(\.text) == ["one", "two", "three"])
        _ = try datasets.importExamples(name: "another", from: .texts(["x"]), replace: false)
        #expect(try datasets.list().map(\.name) == ["another", "mixed"])
        #expect(try datasets.delete(named: "mixed"))
        #expect(try !datasets.delete(named: "mixed"))
        #expect(throws: DataError.notFound(field: "dataset", message: "no dataset named mixed")) { try datasets.examples(.stored("mixed")) }
    }

    @Test("a bad line stores nothing and names the line")
    func badLine() throws {
        let datasets = Datasets(store: try Store(path: ":memory:"))
        let path = try file([#"{"instruction": "a", "output": "b"}"#, #"{"prompt": "no"}"#])
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: DataError.self) { try datasets.importExamples(name: "bad", from: .file(path), replace: false) }
        #expect(try datasets.list().isEmpty)
    }

    @Test("the workflow embeds in batches, reserves the matrix, and selects what k-center selects on the same vectors")
    func workflow() async throws {
        let texts = (0..<150).map { "text \($0)" }
        let vector: @Sendable (String) -> [Float] = { text in
            let i = Float(Int(text.split(separator: " ")[1])!)
            return [sin(i), cos(i * 0.7), sin(i * 0.13)]
        }
        let reserved = ReservedBytes()
        let outcome = try await DiverseSelection.run(
            texts: texts, options: .init(k: 10, metric: .euclidean, seed: 5, batch: 64),
            embed: { batch in
                #expect(batch.count <= 64)
                return batch.map(vector)
            },
            reserve: { bytes in reserved.add(bytes); return nil })
        let direct = try KCenter.select(try EmbeddingMatrix(rows: texts.map(vector)), k: 10, metric: .euclidean, seed: 5)
        #expect(outcome.selection == direct)
        #expect(outcome.examples == 150 && outcome.dimension == 3)
        #expect(reserved.total == DiverseSelection.bytes(rows: 150, dimension: 3))
        #expect(outcome.selected.value > 1 && outcome.random.value > 1)

        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await DiverseSelection.run(texts: texts, options: .init(k: 3), embed: { $0.map(vector) }, reserve: { _ in throw Refused() })
        }
        await #expect(throws: DataError.self) {
            try await DiverseSelection.run(texts: texts, options: .init(k: 151), embed: { $0.map(vector) }, reserve: { _ in nil })
        }
    }
}

private final class ReservedBytes: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes = 0
    func add(_ count: Int) { lock.withLock { bytes += count } }
    var total: Int { lock.withLock { bytes } }
}
