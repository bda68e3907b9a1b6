import Foundation
import JSON
import Models
import TestSupport
import Testing

/// A BERT encoder through the daemon: it loads and lists like any model, tokenizes with
/// WordPiece, and the decoder methods refuse it with -33007 naming the model.
@Suite("Encoder models (end to end)")
struct EncoderModelTests {
    @Test("a bert GGUF loads and lists; text/generate, text/score and session/open refuse it with -33007")
    func encoderThroughTheDaemon() throws {
        let d = try InProcessDaemon(InProcessDaemon.configuration())
        let path = try syntheticModelPath {
            $0.architecture = "bert"
            $0.vocabularySize = 600
            $0.matrixType = .f16
            $0.chatTemplate = nil
        }
        let info = try #require(try d.call("model/load", ["path": .string(path), "name": "minilm"])["result"])
        #expect(info["architecture"] == "bert")
        #expect(info["quantTypes"] == ["f16"])
        #expect(info["vocabularySize"] == 600)
        let listed = try d.call("model/list")["result"]?["models"]?[0]
        #expect(listed?["name"] == "minilm")
        #expect(listed?["architecture"] == "bert")
        let tokens = try d.call("text/tokenize", ["model": "minilm", "text": "The fox!", "pieces": true])["result"]
        // Uncased, [CLS] … [SEP] (ids 2 and 3 of the synthetic vocabulary), "##" pieces joined without a space.
        let pieces = tokens?["pieces"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(pieces.joined() == " [CLS] the fox ! [SEP]", "\(String(describing: tokens))")
        #expect(tokens?["tokens"]?.arrayValue?.first == 2 && tokens?["tokens"]?.arrayValue?.last == 3)
        for (method, params) in [
            ("text/generate", ["model": "minilm", "prompt": "hello", "maxTokens": 2] as JSONValue),
            ("text/score", ["model": "minilm", "prompt": "hello", "continuation": "world"]),
            ("session/open", ["model": "minilm", "prompt": "hello"]),
        ] {
            let reply = try d.call(method, params)
            #expect(reply.errorCode == -33007, "\(method): \(reply)")
            #expect(reply["error"]?["message"]?.stringValue?.contains("'minilm' is a bert encoder") == true, "\(method): \(reply)")
        }
        // The daemon keeps serving.
        #expect(try d.call("model/list")["result"]?["models"]?[0]?["name"] == "minilm")
    }
}
