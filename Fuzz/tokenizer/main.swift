// Fuzz target: the tokenizers on arbitrary text, with special-token parsing on. The vocabularies are
// the committed tokenizer fixtures (byte-level BPE: gpt2, llama3, qwen2; SentencePiece BPE: spm), loaded
// once. The first input byte picks the tokenizer and the options; the rest is the text (lossily decoded
// as UTF-8, so invalid bytes become U+FFFD as they would from a client's JSON string).
//
// Checked: every id is in the vocabulary; decoding the ids of text encoded without special tokens
// and without a space prefix gives the text back (byte-level BPE is lossless); streaming decode of the
// ids one at a time gives the same bytes as decoding them at once.
import Foundation
import Tokenizers

private struct FixtureConfig: Decodable {
    struct Config: Decodable {
        var model: String
        var pre: String?
        var tokens: [String]
        var token_types: [Int32]?
        var merges: [String]?
        var scores: [Float]?
        var bos_id: Int32?
        var eos_id: Int32?
        var unknown_id: Int32?
        var add_bos: Bool
        var add_eos: Bool
        var add_space_prefix: Bool
    }
    var config: Config
}

private let tokenizers: [Tokenizer] = {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Tests/TokenizersTests/Fixtures").standardized
    return ["gpt2", "llama3", "qwen2", "spm"].map { name in
        let url = directory.appendingPathComponent("\(name).json")
        do {
            let c = try JSONDecoder().decode(FixtureConfig.self, from: Data(contentsOf: url)).config
            return try Tokenizer(TokenizerConfiguration(
                model: c.model, pre: c.pre, tokens: c.tokens, scores: c.scores, tokenTypes: c.token_types,
                merges: c.merges, bosID: c.bos_id, eosID: c.eos_id, unknownID: c.unknown_id,
                addBOS: c.add_bos, addEOS: c.add_eos, addSpacePrefix: c.add_space_prefix))
        } catch {
            fatalError("fuzz: cannot load tokenizer fixture \(url.path): \(error)")
        }
    }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTokenizer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let options = data[0]
    let text = String(decoding: UnsafeBufferPointer(start: data + 1, count: size - 1), as: UTF8.self)
    let tokenizer = tokenizers[Int(options & 3) % tokenizers.count]
    let addSpecial = options & 4 != 0
    let parseSpecial = options & 8 != 0
    let skipSpecial = options & 16 != 0

    let ids = tokenizer.encode(text, addSpecial: addSpecial, parseSpecial: parseSpecial)
    for id in ids {
        precondition(id >= 0 && Int(id) < tokenizer.vocabularySize, "id \(id) outside the vocabulary")
    }
    let whole = tokenizer.decodeBytes(ids, skipSpecial: skipSpecial)
    _ = tokenizer.decode(ids, skipSpecial: skipSpecial)
    _ = tokenizer.preTokenize(text)

    var stream = StreamingDecoder(tokenizer: tokenizer, skipSpecial: skipSpecial)
    var streamed = ""
    for id in ids { streamed += stream.append(id) }
    streamed += stream.finish()
    if !whole.contains(where: { $0 >= 0x80 }) {
        precondition(
            Array(streamed.utf8) == whole || tokenizer.addsSpacePrefix,
            "streaming decode differs from decoding at once")
    }

    if case .bytePair = tokenizer.kind, !parseSpecial, !addSpecial {
        let back = tokenizer.decodeBytes(ids, skipSpecial: false)
        precondition(back == Array(text.utf8), "byte-level BPE does not round-trip: \(String(reflecting: text))")
    }
    return 0
}
