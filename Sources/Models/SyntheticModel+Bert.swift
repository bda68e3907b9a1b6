import GGUF
import Kernels

/// Synthetic BERT encoders (`architecture = "bert"`): llama.cpp's metadata keys and tensor names,
/// an uncased WordPiece vocabulary in the converter's form, and seeded random weights.
extension SyntheticModel {
    /// The special tokens a synthetic WordPiece vocabulary starts with, at BERT's usual order.
    public static let wordPieceSpecialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

    func buildBert() throws(GGUFError) -> GGUFWriter {
        var rng = SplitMix64(seed: seed)
        var writer = GGUFWriter()
        let a = BertArchitecture.ggufName
        setShape(&writer)
        writer.set("\(a).attention.layer_norm_epsilon", .float32(rmsNormEpsilon))
        writer.set("\(a).attention.causal", .bool(false))
        writer.set("\(a).pooling_type", .uint32(1))
        let vocabulary = Self.wordPieceVocabulary(size: vocabularySize)
        writer.set("tokenizer.ggml.model", .string("bert"))
        writer.set("tokenizer.ggml.token_type_count", .uint32(2))
        writer.set("tokenizer.ggml.tokens", .array(vocabulary.tokens.map(GGUFValue.string)))
        writer.set("tokenizer.ggml.token_type", .array(vocabulary.types.map { GGUFValue.int32($0) }))
        writer.set("tokenizer.ggml.padding_token_id", .uint32(0))
        writer.set("tokenizer.ggml.unknown_token_id", .uint32(1))
        writer.set("tokenizer.ggml.cls_token_id", .uint32(2))
        writer.set("tokenizer.ggml.seperator_token_id", .uint32(3))   // sic: llama.cpp's key
        writer.set("tokenizer.ggml.mask_token_id", .uint32(4))

        let e = embeddingLength, f = feedForwardLength
        func matrix(_ name: String, rows: Int, columns: Int, scale: Float) throws(GGUFError) {
            try addMatrix(name, rows: rows, columns: columns, scale: scale, to: &writer, rng: &rng)
        }
        func vector(_ name: String, count: Int, around center: Float, spread: Float) throws(GGUFError) {
            try Self.addVector(name, count: count, around: center, spread: spread, to: &writer, rng: &rng)
        }
        typealias N = TensorName
        let scale = 1 / Float(e).squareRoot()
        try matrix(TensorName.tokenEmbedding, rows: vocabularySize, columns: e, scale: 1)
        try matrix(N.positionEmbedding, rows: contextLength, columns: e, scale: 0.5)
        try matrix(N.tokenTypes, rows: 2, columns: e, scale: 0.5)
        try vector(N.tokenEmbeddingNorm, count: e, around: 1, spread: 0.1)
        try vector(N.tokenEmbeddingNormBias, count: e, around: 0, spread: 0.1)
        for i in 0..<blockCount {
            let n = N.Block(i)
            for (weight, bias) in [(n.query, n.queryBias), (n.key, n.keyBias), (n.value, n.valueBias), (n.output, n.outputBias)] {
                try matrix(weight, rows: e, columns: e, scale: scale)
                try vector(bias, count: e, around: 0, spread: 0.1)
            }
            try vector(n.outputNorm, count: e, around: 1, spread: 0.1)
            try vector(n.outputNormBias, count: e, around: 0, spread: 0.1)
            try matrix(n.up, rows: f, columns: e, scale: scale)
            try vector(n.upBias, count: f, around: 0, spread: 0.1)
            try matrix(n.down, rows: e, columns: f, scale: 1 / Float(f).squareRoot())
            try vector(n.downBias, count: e, around: 0, spread: 0.1)
            try vector(n.layerOutputNorm, count: e, around: 1, spread: 0.1)
            try vector(n.layerOutputNormBias, count: e, around: 0, spread: 0.1)
        }
        return writer
    }

    /// An uncased WordPiece vocabulary of `size` tokens as llama.cpp's converter stores it: the
    /// special tokens (control), then word-initial pieces with a "▁" prefix and continuation pieces
    /// bare (the converter's form of "##x"): single letters, digits and punctuation, then letter
    /// pairs and triples in both forms.
    public static func wordPieceVocabulary(size: Int) -> (tokens: [String], types: [Int32]) {
        var tokens = wordPieceSpecialTokens
        var types = [Int32](repeating: 3, count: tokens.count)
        let letters = "etaoinshrdlucmfwypvbgkjqxz".map(String.init)
        let singles = letters + (0...9).map(String.init) + ".,!?;:'\"()-".map(String.init)
        var pieces: [String] = singles
        for x in letters { for y in letters { pieces.append(x + y) } }
        for x in letters { for y in letters { for z in letters { pieces.append(x + y + z) } } }
        var index = 0
        while tokens.count < size {
            if index < pieces.count * 2 {
                let piece = pieces[index / 2]
                tokens.append(index % 2 == 0 ? "\u{2581}" + piece : piece)
            } else {
                tokens.append("\u{2581}filler\(index)")
            }
            types.append(1)
            index += 1
        }
        return (Array(tokens.prefix(size)), Array(types.prefix(size)))
    }
}
