// WordPiece ("bert") against Hugging Face `tokenizers`' BertWordPieceTokenizer, on the vocabularies
// and ids of Fixtures/wordpiece-*.json (scripts/make-wordpiece-fixtures.py).

import Foundation
import Testing
import Tokenizers

struct WordPieceFixture: Decodable, Sendable {
    struct Case: Decodable, Sendable {
        var text: String
        /// HF's ids, [CLS] and [SEP] included.
        var ids: [Int32]
    }
    var lowercase: Bool
    /// BERT's own form: continuations prefixed "##".
    var vocab: [String]
    var token_types: [Int32]
    var cases: [Case]

    static func load(_ name: String) throws -> WordPieceFixture {
        let url = Fixtures.directory.appendingPathComponent("wordpiece-\(name).json")
        return try JSONDecoder().decode(WordPieceFixture.self, from: Data(contentsOf: url))
    }

    /// The vocabulary as llama.cpp's converter stores it in GGUF: "▁" before word-initial pieces,
    /// "##" dropped from continuations, control tokens unchanged.
    var ggufTokens: [String] {
        zip(vocab, token_types).map { token, type in
            if type == 3 { return token }
            let scalars = token.unicodeScalars
            return scalars.starts(with: "##".unicodeScalars) ? String(scalars.dropFirst(2)) : "\u{2581}" + token
        }
    }

    /// A tokenizer as `LoadedModel` configures it from a converted GGUF file (ids from metadata).
    func ggufTokenizer() throws -> Tokenizer {
        func id(_ text: String) -> Int32 { Int32(vocab.firstIndex(of: text)!) }
        return try Tokenizer(TokenizerConfiguration(
            model: "bert", tokens: ggufTokens, tokenTypes: token_types, unknownID: id("[UNK]"), paddingID: id("[PAD]"),
            clsID: id("[CLS]"), separatorID: id("[SEP]")))
    }
}

@Suite("WordPiece")
struct WordPieceTests {
    static let names = ["uncased", "cased"]

    @Test("GGUF-form vocabularies give HF BertWordPieceTokenizer's ids", arguments: names)
    func ggufForm(name: String) throws {
        let fixture = try WordPieceFixture.load(name)
        let tokenizer = try fixture.ggufTokenizer()
        #expect(tokenizer.kind == .wordPiece)
        for c in fixture.cases {
            let ids = tokenizer.encode(c.text, addSpecial: true)
            #expect(ids == c.ids, "\(name): \(String(reflecting: c.text)) -> \(ids.map { tokenizer.tokenText($0) ?? "?" })")
        }
    }

    @Test("'##'-form vocabularies with the special ids found by name give the same ids", arguments: names)
    func hashForm(name: String) throws {
        let fixture = try WordPieceFixture.load(name)
        let tokenizer = try Tokenizer(TokenizerConfiguration(model: "bert", tokens: fixture.vocab, tokenTypes: fixture.token_types))
        for c in fixture.cases {
            #expect(tokenizer.encode(c.text, addSpecial: true) == c.ids, "\(name): \(String(reflecting: c.text))")
        }
    }

    @Test("without addSpecial there is no [CLS] or [SEP]")
    func noSpecials() throws {
        let fixture = try WordPieceFixture.load("uncased")
        let tokenizer = try fixture.ggufTokenizer()
        for c in fixture.cases {
            #expect(tokenizer.encode(c.text, addSpecial: false) == Array(c.ids.dropFirst().dropLast()))
        }
    }

    @Test("casing is read from the vocabulary: only the uncased one lowercases and strips accents")
    func casingFromVocabulary() throws {
        let uncased = try WordPieceFixture.load("uncased").ggufTokenizer()
        let cased = try WordPieceFixture.load("cased").ggufTokenizer()
        #expect(uncased.preTokenize("Café, NAÏVE!") == ["cafe", ",", "naive", "!"])
        #expect(cased.preTokenize("Café, NAÏVE!") == ["Café", ",", "NAÏVE", "!"])
    }

    @Test("decoding joins word pieces and puts spaces between words")
    func decoding() throws {
        let tokenizer = try WordPieceFixture.load("uncased").ggufTokenizer()
        let ids = tokenizer.encode("walking talked, unaffable", addSpecial: false)
        #expect(tokenizer.decode(ids) == "walking talked , unaffable")
        let framed = tokenizer.encode("hello world")
        #expect(tokenizer.decode(framed) == "[CLS] hello world [SEP]")
        #expect(tokenizer.decode(framed, skipSpecial: true) == "hello world")
    }

    @Test("a vocabulary without an unknown token is refused")
    func needsUnknown() {
        #expect(throws: TokenizerError.self) {
            try Tokenizer(TokenizerConfiguration(model: "bert", tokens: ["[CLS]", "[SEP]", "\u{2581}a"], tokenTypes: [3, 3, 1]))
        }
    }
}
