import Foundation
import GGUF
import Kernels

/// Offline merging of GGUF models of one architecture into a new GGUF file, tensor by tensor.
///
/// Every tensor of every input is dequantized to f32, merged with `MergeOperators`, and encoded as
/// the output type; only one tensor per input is held in memory at a time (inputs are mapped).
/// Metadata comes from the base (or the first model when there is none), without
/// `general.file_type` (it would describe the inputs' encoding), plus `minos.merge.*` provenance.
package enum ModelMerge {
    /// The merge methods.
    package enum Method: String, Sendable, CaseIterable {
        /// Σ wᵢ·θᵢ over the models; the weights are used as given, NOT normalized (weights summing
        /// to 1 give a weighted average). A base, if given, only supplies the metadata.
        case linear
        /// base + Σ wᵢ·(θᵢ − base).
        case taskArithmetic = "task_arithmetic"
        /// Task vectors trimmed to their top `density` by magnitude, sign elected by Σ wᵢ·δᵢ,
        /// agreeing entries averaged with weights, added to base.
        case ties
        /// Task vectors with entries dropped with probability `dropRate` and survivors rescaled by
        /// 1/(1 − dropRate), then task arithmetic.
        case dare
        /// DARE's drop and rescale, then TIES's sign election and disjoint mean (no trim).
        case dareTies = "dare_ties"

        /// Whether the method needs a base model.
        package var needsBase: Bool { self != .linear }
    }

    /// What a merge did.
    package struct Report: Sendable, Equatable {
        package var tensorsMerged: Int
        package var bytesRead: Int
        package var bytesWritten: Int
        package var seconds: Double
        package var fingerprints: [String]
    }

    /// Merges `models` (and `base`) into a new GGUF file at `output`, written atomically.
    ///
    /// `progress(done, total)` is called after each tensor; `cancelled()` is checked before each
    /// and a true answer throws `.cancelled` and leaves no file. Every input must have the
    /// reference's (base's, else the first model's) architecture, vocabulary size, tensor names
    /// and shapes; the first difference is refused with `.mismatch`. Tensors are written as
    /// `outputType` when their row length is whole blocks of it, else as f16; 1-D tensors as f32.
    package static func merge(
        base: String?, models: [String], weights: [Double], method: Method,
        density: Double = 0.5, dropRate: Double = 0.5, seed: UInt64 = 1,
        outputType: GGMLType = .f16, output: String,
        progress: (Int, Int) -> Void = { _, _ in }, cancelled: () -> Bool = { false }
    ) throws(MergeError) -> Report {
        let start = Date()
        try validate(base: base, models: models, weights: weights, method: method, density: density, dropRate: dropRate)
        let baseFile = try base.map { path throws(MergeError) in try open(path) }
        var modelFiles: [GGUFFile] = []
        for path in models { modelFiles.append(try open(path)) }
        let reference = baseFile ?? modelFiles[0]
        let inputs = (baseFile.map { [$0] } ?? []) + modelFiles
        for file in inputs where file !== reference { try checkCompatible(file, with: reference) }
        let fingerprints = inputs.map(fingerprint)

        var writer = GGUFWriter(alignment: reference.alignment)
        for key in reference.metadataKeys where key != "general.file_type" && !key.hasPrefix("minos.merge.") {
            writer.set(key, reference.metadata[key]!)
        }
        writer.set("minos.merge.method", .string(method.rawValue))
        writer.set("minos.merge.weights", .array(weights.map(GGUFValue.float64)))
        writer.set("minos.merge.inputs", .array(zip(models, fingerprints.suffix(models.count)).map { .string("\($1) \($0)") }))
        if let base { writer.set("minos.merge.base", .string("\(fingerprints[0]) \(base)")) }
        if method == .ties { writer.set("minos.merge.density", .float64(density)) }
        if method == .dare || method == .dareTies {
            writer.set("minos.merge.drop_rate", .float64(dropRate))
            writer.set("minos.merge.seed", .uint64(seed))
        }
        writer.set("minos.merge.output_type", .string(outputType.description))

        let tensors = reference.tensors
        let declared = tensors.map { (name: $0.name, shape: $0.shape, type: encoding(outputType, shape: $0.shape)) }
        var bytesRead = 0
        var failure: MergeError?
        do {
            try writer.write(to: output, streaming: declared) { index throws(GGUFError) -> [UInt8] in
                if cancelled() {
                    failure = .cancelled
                    throw GGUFError(.io, "merge cancelled")
                }
                let name = tensors[index].name
                let baseValues = baseFile.map { decode($0, name) }
                let values = modelFiles.map { decode($0, name) }
                bytesRead += inputs.reduce(0) { $0 + $1.tensor(named: name)!.byteCount }
                let merged = combine(method: method, base: baseValues, models: values, weights: weights,
                                     density: density, dropRate: dropRate, seed: seed, tensor: name)
                defer { progress(index + 1, tensors.count) }
                return encode(merged, as: declared[index].type)
            }
        } catch {
            throw failure ?? .io("cannot write \(output): \(error.message)")
        }
        // The size only feeds the report; a failed stat after a successful write reports 0.
        let written = ((try? FileManager.default.attributesOfItem(atPath: output))?[.size] as? Int) ?? 0
        return Report(tensorsMerged: tensors.count, bytesRead: bytesRead, bytesWritten: written,
                      seconds: Date().timeIntervalSince(start), fingerprints: fingerprints)
    }

    /// The merge of one tensor's values (the pure part of `merge`).
    package static func combine(method: Method, base: [Float]?, models: [[Float]], weights: [Double],
                                density: Double, dropRate: Double, seed: UInt64, tensor: String) -> [Float] {
        switch method {
        case .linear:
            return MergeOperators.linear(models, weights: weights)
        case .taskArithmetic:
            return MergeOperators.taskArithmetic(base: base!, models: models, weights: weights)
        case .ties:
            let deltas = models.map { MergeOperators.trim(MergeOperators.taskVector($0, base: base!), density: density) }
            return MergeOperators.ties(base: base!, deltas: deltas, weights: weights)
        case .dare, .dareTies:
            let deltas = models.enumerated().map { i, model in
                MergeOperators.dare(MergeOperators.taskVector(model, base: base!), dropRate: dropRate,
                                    seed: MergeOperators.dareSeed(seed, tensor: tensor, input: i))
            }
            return method == .dare
                ? MergeOperators.addTaskVectors(base: base!, deltas: deltas, weights: weights)
                : MergeOperators.ties(base: base!, deltas: deltas, weights: weights)
        }
    }

    /// The encoding a merged tensor is written in.
    package static func encoding(_ outputType: GGMLType, shape: [Int]) -> GGMLType {
        if shape.count == 1 { return .f32 }
        return shape[0] % outputType.blockSize == 0 ? outputType : .f16
    }

    /// The input's fingerprint: FNV-1a 64 over its header region (metadata and tensor table) and
    /// the first 4 KiB of every tensor's data, as 16 hex digits.
    package static func fingerprint(_ file: GGUFFile) -> String {
        var hash = FNV1a64()
        hash.update(UnsafeRawBufferPointer(rebasing: file.bytes[0..<file.dataOffset]))
        // And a sample of every tensor's data, so files that differ only in their weights differ.
        for tensor in file.tensors {
            let start = file.dataOffset + tensor.offset
            let end = min(start + min(tensor.byteCount, 4096), file.bytes.count)
            if start >= 0, start < end { hash.update(UnsafeRawBufferPointer(rebasing: file.bytes[start..<end])) }
        }
        return hash.hex
    }

    // MARK: Steps

    static func validate(base: String?, models: [String], weights: [Double], method: Method,
                         density: Double, dropRate: Double) throws(MergeError) {
        guard !models.isEmpty else { throw .invalidArgument(field: "models", message: "at least one model is needed") }
        guard weights.count == models.count else {
            throw .invalidArgument(field: "weights", message: "\(weights.count) weights for \(models.count) models")
        }
        guard weights.allSatisfy(\.isFinite) else { throw .invalidArgument(field: "weights", message: "weights must be finite") }
        if method.needsBase && base == nil {
            throw .invalidArgument(field: "base", message: "\(method.rawValue) needs a base model")
        }
        if method == .ties || method == .dareTies, weights.contains(where: { $0 < 0 }) {
            throw .invalidArgument(field: "weights", message: "\(method.rawValue) needs weights of at least 0")
        }
        guard density > 0 && density <= 1 else {
            throw .invalidArgument(field: "density", message: "density \(density) is outside (0, 1]")
        }
        guard dropRate >= 0 && dropRate < 1 else {
            throw .invalidArgument(field: "dropRate", message: "dropRate \(dropRate) is outside [0, 1)")
        }
    }

    static func open(_ path: String) throws(MergeError) -> GGUFFile {
        do {
            return try GGUFFile.open(path: path)
        } catch {
            throw .unreadableInput(path: path, message: error.message)
        }
    }

    /// Refuses `file` unless it has `reference`'s architecture, vocabulary size, tensor names and shapes.
    static func checkCompatible(_ file: GGUFFile, with reference: GGUFFile) throws(MergeError) {
        let path = file.path ?? "input", referencePath = reference.path ?? "reference"
        let architecture = file.string("general.architecture"), expected = reference.string("general.architecture")
        guard architecture == expected else {
            throw .mismatch(what: "architecture", message:
                "architecture mismatch: \(path) is \(architecture ?? "unnamed"), \(referencePath) is \(expected ?? "unnamed")")
        }
        let vocabulary = file.array("tokenizer.ggml.tokens")?.count, expectedVocabulary = reference.array("tokenizer.ggml.tokens")?.count
        guard vocabulary == expectedVocabulary else {
            throw .mismatch(what: "vocabulary", message:
                "vocabulary mismatch: \(path) has \(vocabulary.map(String.init) ?? "no") tokens, \(referencePath) has \(expectedVocabulary.map(String.init) ?? "no")")
        }
        for tensor in reference.tensors {
            guard let other = file.tensor(named: tensor.name) else {
                throw .mismatch(what: "tensor", message: "tensor mismatch: \(path) has no tensor \(tensor.name), which \(referencePath) has")
            }
            guard other.shape == tensor.shape else {
                throw .mismatch(what: "shape", message:
                    "shape mismatch: tensor \(tensor.name) is \(other.shape) in \(path) but \(tensor.shape) in \(referencePath)")
            }
        }
        if let extra = file.tensors.first(where: { reference.tensor(named: $0.name) == nil }) {
            throw .mismatch(what: "tensor", message: "tensor mismatch: \(path) has tensor \(extra.name), which \(referencePath) lacks")
        }
    }

    /// The tensor `name` of `file` as f32 values (the name was checked to exist).
    static func decode(_ file: GGUFFile, _ name: String) -> [Float] {
        let info = file.tensor(named: name)!
        let source = file.data(for: info)
        return [Float](unsafeUninitializedCapacity: info.elementCount) { buffer, count in
            if info.elementCount > 0 {
                Dequantize.row(info.type, from: source.baseAddress!, into: buffer.baseAddress!, count: info.elementCount)
            }
            count = info.elementCount
        }
    }

    static func encode(_ values: [Float], as type: GGMLType) -> [UInt8] {
        var data = [UInt8](repeating: 0, count: type.byteCount(elements: values.count)!)
        values.withUnsafeBufferPointer { source in
            data.withUnsafeMutableBytes { Quantize.row(type, from: source.baseAddress!, into: $0.baseAddress!, count: values.count) }
        }
        return data
    }
}
