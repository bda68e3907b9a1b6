import Foundation
import GGUF
import Kernels

/// Writes decoder models with seeded random weights and a small but valid byte-level BPE
/// tokenizer, for tests and benchmarks: the same seed gives the same file, byte for byte.
public struct SyntheticModel: Sendable {
    public var architecture: String = "llama"
    public var vocabularySize = 384
    public var embeddingLength = 64
    public var blockCount = 2
    public var feedForwardLength = 128
    public var headCount = 4
    public var headCountKV = 2
    public var contextLength = 256
    public var ropeFrequencyBase: Float = 10_000
    public var rmsNormEpsilon: Float = 1e-5
    public var tiedEmbeddings = false
    /// Encoding of the weight matrices; vectors (norms, biases) stay f32.
    public var matrixType: GGMLType = .f32
    public var seed: UInt64 = 1
    /// `tokenizer.chat_template` to store, if any.
    public var chatTemplate: String?
    /// `tokenizer.ggml.pre`: nil for the architecture's usual one, "" to leave the key out.
    public var preTokenizer: String?

    public init() {}

    /// A ChatML template (as Qwen stores it), recognized by the engine as `chatml`.
    public static let chatMLTemplate =
        "{% for message in messages %}<|im_start|>{{ message.role }}\n{{ message.content }}<|im_end|>\n{% endfor %}"
        + "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"

    /// The special tokens every synthetic vocabulary ends with.
    public static let specialTokens = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]

    public var headDimension: Int { embeddingLength / headCount }

    /// The model as a GGUF writer, ready to serialize. Throws when a matrix row is not a whole
    /// number of `matrixType` blocks (K-quants need widths that are multiples of 256).
    public func build() throws(GGUFError) -> GGUFWriter {
        if architecture == BertArchitecture.ggufName { return try buildBert() }
        var rng = SplitMix64(seed: seed)
        var writer = GGUFWriter()
        let a = architecture
        setShape(&writer)
        writer.set("\(a).attention.head_count_kv", .uint32(UInt32(headCountKV)))
        writer.set("\(a).attention.layer_norm_rms_epsilon", .float32(rmsNormEpsilon))
        writer.set("\(a).rope.freq_base", .float32(ropeFrequencyBase))
        let vocabulary = Self.vocabulary(size: vocabularySize)
        writer.set("tokenizer.ggml.model", .string("gpt2"))
        let pre = preTokenizer ?? (a == "llama" ? "llama-bpe" : "qwen2")
        if !pre.isEmpty { writer.set("tokenizer.ggml.pre", .string(pre)) }
        writer.set("tokenizer.ggml.tokens", .array(vocabulary.tokens.map(GGUFValue.string)))
        writer.set("tokenizer.ggml.token_type", .array(vocabulary.types.map { GGUFValue.int32($0) }))
        writer.set("tokenizer.ggml.merges", .array(vocabulary.merges.map(GGUFValue.string)))
        let eos = Int32(vocabulary.tokens.count - Self.specialTokens.count)
        writer.set("tokenizer.ggml.eos_token_id", .uint32(UInt32(eos)))
        writer.set("tokenizer.ggml.bos_token_id", .uint32(UInt32(eos)))
        writer.set("tokenizer.ggml.add_bos_token", .bool(false))
        if let chatTemplate { writer.set("tokenizer.chat_template", .string(chatTemplate)) }

        let e = embeddingLength, d = headDimension
        func matrix(_ name: String, rows: Int, columns: Int, scale: Float) throws(GGUFError) {
            try addMatrix(name, rows: rows, columns: columns, scale: scale, to: &writer, rng: &rng)
        }
        func vector(_ name: String, count: Int, around center: Float, spread: Float) throws(GGUFError) {
            try Self.addVector(name, count: count, around: center, spread: spread, to: &writer, rng: &rng)
        }
        let scale = 1 / Float(e).squareRoot()
        try matrix(TensorName.tokenEmbedding, rows: vocabularySize, columns: e, scale: 1)
        try vector(TensorName.outputNorm, count: e, around: 1, spread: 0.1)
        if !tiedEmbeddings { try matrix(TensorName.output, rows: vocabularySize, columns: e, scale: scale) }
        for i in 0..<blockCount {
            let n = TensorName.Block(i)
            try vector(n.attentionNorm, count: e, around: 1, spread: 0.1)
            try matrix(n.query, rows: headCount * d, columns: e, scale: scale)
            try matrix(n.key, rows: headCountKV * d, columns: e, scale: scale)
            try matrix(n.value, rows: headCountKV * d, columns: e, scale: scale)
            try matrix(n.output, rows: e, columns: headCount * d, scale: scale)
            if a == "qwen2" {
                try vector(n.queryBias, count: headCount * d, around: 0, spread: 0.1)
                try vector(n.keyBias, count: headCountKV * d, around: 0, spread: 0.1)
                try vector(n.valueBias, count: headCountKV * d, around: 0, spread: 0.1)
            }
            if a == "qwen3" {
                try vector(n.queryNorm, count: d, around: 1, spread: 0.1)
                try vector(n.keyNorm, count: d, around: 1, spread: 0.1)
            }
            try vector(n.feedForwardNorm, count: e, around: 1, spread: 0.1)
            try matrix(n.gate, rows: feedForwardLength, columns: e, scale: scale)
            try matrix(n.up, rows: feedForwardLength, columns: e, scale: scale)
            try matrix(n.down, rows: e, columns: feedForwardLength, scale: 1 / Float(feedForwardLength).squareRoot())
        }
        return writer
    }

    /// Writes the architecture, name and the shape keys every architecture has.
    func setShape(_ writer: inout GGUFWriter) {
        let a = architecture
        writer.set("general.architecture", .string(a))
        writer.set("general.name", .string("synthetic-\(a)"))
        writer.set("\(a).context_length", .uint32(UInt32(contextLength)))
        writer.set("\(a).embedding_length", .uint32(UInt32(embeddingLength)))
        writer.set("\(a).block_count", .uint32(UInt32(blockCount)))
        writer.set("\(a).feed_forward_length", .uint32(UInt32(feedForwardLength)))
        writer.set("\(a).attention.head_count", .uint32(UInt32(headCount)))
    }

    /// Adds a `rows × columns` matrix of seeded normal values times `scale`, in `matrixType` (or
    /// the fallback `encoding` picks for its width).
    func addMatrix(_ name: String, rows: Int, columns: Int, scale: Float, to writer: inout GGUFWriter,
                   rng: inout SplitMix64) throws(GGUFError) {
        let type = Self.encoding(matrixType, columns: columns)
        guard type.byteCount(elements: columns) != nil else {
            throw GGUFError(.notWholeBlocks, "\(name): width \(columns) is not a whole number of \(type) blocks of \(type.blockSize)")
        }
        let values = (0..<(rows * columns)).map { _ in rng.normal() * scale }
        try writer.addTensor(name: name, shape: [columns, rows], type: type, data: Self.encode(values, as: type))
    }

    /// Adds an f32 vector of seeded values `center ± spread` (norm scales, biases).
    static func addVector(_ name: String, count: Int, around center: Float, spread: Float, to writer: inout GGUFWriter,
                          rng: inout SplitMix64) throws(GGUFError) {
        let values = (0..<count).map { _ in center + rng.normal() * spread }
        try writer.addTensor(name: name, shape: [count], type: .f32, data: encode(values, as: .f32))
    }

    /// The encoding a matrix of this width gets: K-quants need rows of whole 256-element blocks, so
    /// narrower ones fall back as llama.cpp's quantizer does (Q4_K→Q5_0, Q5_K→Q5_1, Q6_K→Q8_0,
    /// Q2_K/Q3_K→Q4_0, IQ4_XS→IQ4_NL).
    public static func encoding(_ type: GGMLType, columns: Int) -> GGMLType {
        guard type.blockSize == 256, columns % 256 != 0 else { return type }
        switch type {
        case .q4_K: return .q5_0
        case .q5_K: return .q5_1
        case .q6_K: return .q8_0
        case .iq4_xs: return .iq4_nl
        default: return .q4_0
        }
    }

    static func encode(_ values: [Float], as type: GGMLType) -> [UInt8] {
        let bytes = type.byteCount(elements: values.count)!
        var data = [UInt8](repeating: 0, count: bytes)
        values.withUnsafeBufferPointer { source in
            data.withUnsafeMutableBytes { Quantize.row(type, from: source.baseAddress!, into: $0.baseAddress!, count: values.count) }
        }
        return data
    }

    /// A byte-level BPE vocabulary: the 256 byte tokens (in GPT-2's byte-to-character mapping),
    /// merged tokens of common letter pairs and triples, then the special tokens.
    public static func vocabulary(size: Int) -> (tokens: [String], types: [Int32], merges: [String]) {
        let bytes = (0..<256).map { byteCharacter(UInt8($0)) }
        var tokens = bytes
        var merges: [String] = []
        var known = Set(tokens)
        let letters = Array("etaoinshrdlucmfwypvbgkjqxz")
        let space = byteCharacter(0x20)
        // Space-prefixed letters first (as in real vocabularies), then letter pairs.
        var candidates: [(String, String)] = letters.map { (space, String($0)) }
        for a in letters { for b in letters { candidates.append((String(a), String(b))) } }
        for (x, y) in candidates where tokens.count < size - specialTokens.count {
            let merged = x + y
            guard known.insert(merged).inserted else { continue }
            tokens.append(merged)
            merges.append("\(x) \(y)")
        }
        var index = 0
        while tokens.count < size - specialTokens.count {   // pad with unmergeable fillers
            tokens.append("<|filler_\(index)|>")
            index += 1
        }
        var types = [Int32](repeating: 1, count: tokens.count)
        for i in tokens.indices where tokens[i].hasPrefix("<|filler_") { types[i] = 5 }
        tokens += specialTokens
        types += specialTokens.map { _ in 3 }
        return (tokens, types, merges)
    }

    /// GPT-2's printable stand-in for a byte.
    public static func byteCharacter(_ byte: UInt8) -> String {
        let printable = (33...126).contains(byte) || (161...172).contains(byte) || (174...255).contains(byte)
        if printable { return String(UnicodeScalar(byte)) }
        var offset: UInt32 = 0
        for b in 0..<Int(byte) {
            let p = (33...126).contains(b) || (161...172).contains(b) || (174...255).contains(b)
            if !p { offset += 1 }
        }
        return String(UnicodeScalar(256 + offset)!)
    }
}
