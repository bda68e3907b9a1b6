import Engine
import Foundation
import GGUF
import Models
import Testing

/// Models written by the official `gguf` Python package, with logits from a NumPy forward pass
/// (scripts/make-reference-models.py): another writer and another implementation, in another language.
@Suite("Models written by gguf-py, against NumPy logits")
struct IndependentReferenceTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    @Test("the engine reads the file and reproduces NumPy's logits", arguments: ["llama", "qwen2"])
    func logits(architecture: String) throws {
        let file = try GGUFFile.open(path: Self.fixtures.appendingPathComponent("\(architecture).gguf").path)
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixtures.appendingPathComponent("\(architecture).json"))) as! [String: Any]
        let tokens = (expected["tokens"] as! [Int]).map(Int32.init)
        let rows = (expected["logits"] as! [[Double]]).map { $0.map(Float.init) }

        let model = try ArchitectureRegistry.load(file)
        #expect(model.configuration.architecture == architecture)
        #expect(model.weights.tiedEmbeddings == (architecture == "qwen2"))
        let transformer = Transformer(model: model, pool: WorkerPool(threads: 2))
        let logits = transformer.forward(tokens, cache: transformer.makeCache(capacity: 16), logits: .all)
        let vocabulary = model.configuration.vocabularySize
        for (t, row) in rows.enumerated() {
            let error = relativeError(Array(logits[(t * vocabulary)..<((t + 1) * vocabulary)]), row)
            #expect(error < 1e-3, "\(architecture) position \(t): relative error \(error)")
        }
    }
}
