import Synchronization
import Dispatch
import GGUF
import Kernels
import Models
import Tokenizers

/// A model in memory: its mapped GGUF file, weights, tokenizer and chat template. Immutable after
/// loading; forward passes for it run one at a time on `queue`.
public final class LoadedModel: @unchecked Sendable {
    /// What runs the model: a decoder generates, scores and embeds; an encoder (BERT) only embeds.
    public enum Network: Sendable {
        case decoder(Transformer)
        case encoder(Encoder)
    }

    public let name: String
    public let path: String
    public let file: GGUFFile
    public let network: Network
    /// The hyperparameters; for an encoder, its summary (`ModelConfiguration(bert:)`).
    public let configuration: ModelConfiguration
    public let tokenizer: Tokenizer
    public let chatTemplate: ChatTemplate
    /// The file's own chat template, parsed once here; `chatTemplate` is its recognized family.
    public let promptTemplate: ChatPromptTemplate
    /// The context length used for this model (at most the trained one).
    public let contextLength: Int
    /// Bytes this model holds against the memory budget (mapped weights; caches are counted apart).
    public let budgetBytes: Int
    let queue: DispatchQueue
    /// The engine's worker pool, which runs this model's matrix work.
    let pool: WorkerPool
    /// The engine's budget, which every cache of this model reserves from (`makeCache`).
    let budget: MemoryBudget
    let scheduler = DecodeScheduler()
    /// Recently computed sequences, reused by requests that start the same way.
    let prefixCache: PrefixCache

    init(name: String, path: String, contextLength requested: Int?, pool: WorkerPool, precision: ActivationPrecision,
         budget: MemoryBudget, prefixEntries: Int = 4, progress: (String, Int) -> Void) throws(EngineError) {
        progress("reading GGUF", 0)
        let file: GGUFFile
        do {
            file = try GGUFFile.open(path: path)
        } catch {
            throw EngineError.invalidModelFile(path: path, reason: "\(error)")
        }
        progress("checking tensors", 30)
        let network: ModelNetwork
        do {
            network = try ArchitectureRegistry.loadNetwork(file)
        } catch {
            switch error {
            case .unsupportedArchitecture, .unsupportedTensorType:
                throw EngineError.unsupportedModel(path: path, reason: error.description)
            default:
                throw EngineError.invalidModelFile(path: path, reason: error.description)
            }
        }
        progress("building tokenizer", 70)
        let tokenizer: Tokenizer
        do {
            tokenizer = try Tokenizer(Self.tokenizerConfiguration(file))
        } catch {
            throw EngineError.unsupportedModel(path: path, reason: "tokenizer: \(error)")
        }
        let configuration: ModelConfiguration
        switch network {
        case .decoder(let model): configuration = model.configuration
        case .encoder(let model): configuration = ModelConfiguration(bert: model.configuration)
        }
        guard tokenizer.vocabularySize == configuration.vocabularySize else {
            throw EngineError.invalidModelFile(path: path, reason: "tokenizer has \(tokenizer.vocabularySize) tokens but the embedding has \(configuration.vocabularySize) rows")
        }
        let trained = configuration.contextLength
        if let requested, !(1...trained).contains(requested) {
            throw EngineError.invalidInput(field: "contextLength", reason: "must be between 1 and the model's \(trained)")
        }
        self.name = name
        self.path = path
        self.file = file
        switch network {
        case .decoder(let model): self.network = .decoder(Transformer(model: model, pool: pool, precision: precision))
        case .encoder(let model): self.network = .encoder(Encoder(model: model, pool: pool, precision: precision))
        }
        self.configuration = configuration
        self.pool = pool
        self.tokenizer = tokenizer
        let special = Self.specialTokenTexts(tokenizer)
        let promptTemplate = ChatPromptTemplate(source: file.string("tokenizer.chat_template"), bosToken: special.bos, eosToken: special.eos)
        self.promptTemplate = promptTemplate
        self.chatTemplate = promptTemplate.family
        self.contextLength = requested ?? trained
        self.budgetBytes = file.fileSize
        self.queue = DispatchQueue(label: "minos.model.\(name)")
        self.budget = budget
        self.prefixCache = PrefixCache(maxEntries: prefixEntries)
        progress("ready", 100)
    }

    /// The decoder; nil for an encoder-only model.
    public var transformer: Transformer? {
        if case .decoder(let transformer) = network { return transformer }
        return nil
    }

    /// The encoder; nil for a decoder.
    public var encoder: Encoder? {
        if case .encoder(let encoder) = network { return encoder }
        return nil
    }

    /// The decoder, or -33xxx `unsupportedModel` naming this model when it is an encoder, which
    /// cannot generate or score: every method that feeds a KV cache asks here first.
    package func decoder() throws(EngineError) -> Transformer {
        guard let transformer else {
            throw EngineError.unsupportedModel(
                path: path, reason: "model '\(name)' is a \(configuration.architecture) encoder: it embeds text (text/embed) but cannot generate or score")
        }
        return transformer
    }

    /// The distinct tensor encodings of the weight matrices, for `model/list`.
    public var weightEncodings: [GGMLType] {
        switch network {
        case .decoder(let transformer): return transformer.model.weights.encodings
        case .encoder(let encoder): return encoder.model.weights.encodings
        }
    }

    /// A KV cache for `capacity` entries, its bytes reserved from the engine's budget first (-33001
    /// with nothing allocated when they do not fit) and given back when the cache is freed. The
    /// only way the engine makes caches for requests.
    package func makeCache(capacity: Int) throws(EngineError) -> KVCache {
        KVCache(layers: configuration.blockCount, width: configuration.keyValueWidth, kvHeads: configuration.headCountKV,
                tail: try makeStorage(Array(repeating: capacity, count: configuration.blockCount)), allocate: nil)
    }

    /// An empty cache that grows as it is fed (sessions, reusable prefixes), each new piece of
    /// storage reserved from the budget when it is needed.
    package func makeGrowableCache() -> KVCache {
        KVCache(layers: configuration.blockCount, width: configuration.keyValueWidth, kvHeads: configuration.headCountKV,
                tail: nil, allocate: storageAllocator)
    }

    /// Makes storage for a growable cache: `count` entries in every layer.
    var storageAllocator: @Sendable (Int) throws(EngineError) -> KVStorage {
        { [self] count throws(EngineError) in try makeStorage(Array(repeating: count, count: configuration.blockCount)) }
    }

    /// KV storage with these per-layer capacities, its bytes reserved from the budget first.
    func makeStorage(_ capacities: [Int]) throws(EngineError) -> KVStorage {
        _ = try decoder()
        let bytes = KVStorage.byteCount(width: configuration.keyValueWidth, kvHeads: configuration.headCountKV, capacities: capacities)
        return KVStorage(width: configuration.keyValueWidth, kvHeads: configuration.headCountKV, capacities: capacities,
                         reservation: try budget.reservation(bytes))
    }

    /// What loading had to assume or work around, for the log and `model/load`'s reply: the
    /// tokenizer's (e.g. no `tokenizer.ggml.pre`, so llama.cpp's default rule) and a chat template
    /// that cannot run.
    public var loadWarnings: [String] {
        tokenizer.warnings + (promptTemplate.unavailableReason.map { ["\($0); chat prompts use the \(chatTemplate.name) renderer"] } ?? [])
    }

    /// Parameters in the weight matrices and vectors.
    public var parameterCount: Int {
        file.tensors.reduce(0) { $0 + $1.elementCount }
    }

    /// The reusable-prefix cache: entries, bytes, requests that reused a prefix, tokens not evaluated again.
    public var prefixCacheStatistics: (entries: Int, bytes: Int, hits: Int, reusedTokens: Int) { prefixCache.statistics }

    /// How many of the model's mapped pages are in memory now.
    public var bytesResident: Int { file.residentByteCount }

    static func tokenizerConfiguration(_ file: GGUFFile) -> TokenizerConfiguration {
        var c = TokenizerConfiguration(model: file.string("tokenizer.ggml.model") ?? "", tokens: file.stringArray("tokenizer.ggml.tokens") ?? [])
        c.pre = file.string("tokenizer.ggml.pre")
        c.scores = file.floatArray("tokenizer.ggml.scores")?.map { Float($0) }
        c.tokenTypes = file.integerArray("tokenizer.ggml.token_type")?.map { Int32(truncatingIfNeeded: $0) }
        c.merges = file.stringArray("tokenizer.ggml.merges")
        c.bosID = file.integer("tokenizer.ggml.bos_token_id").map { Int32(truncatingIfNeeded: $0) }
        c.eosID = file.integer("tokenizer.ggml.eos_token_id").map { Int32(truncatingIfNeeded: $0) }
        c.unknownID = file.integer("tokenizer.ggml.unknown_token_id").map { Int32(truncatingIfNeeded: $0) }
        c.paddingID = file.integer("tokenizer.ggml.padding_token_id").map { Int32(truncatingIfNeeded: $0) }
        if let addBOS = file.bool("tokenizer.ggml.add_bos_token") { c.addBOS = addBOS }
        if let addEOS = file.bool("tokenizer.ggml.add_eos_token") { c.addEOS = addEOS }
        if let prefix = file.bool("tokenizer.ggml.add_space_prefix") { c.addSpacePrefix = prefix }
        return c
    }

    /// Runs `work` on this model's compute queue and awaits it, cancelling through `flag`.
    func compute<T: Sendable>(_ work: @escaping @Sendable (CancellationFlag) throws(EngineError) -> T) async throws(EngineError) -> T {
        let flag = CancellationFlag()
        let result: Result<T, EngineError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                queue.async {
                    do throws(EngineError) {
                        continuation.resume(returning: .success(try work(flag)))
                    } catch {
                        continuation.resume(returning: .failure(error))
                    }
                }
            }
        } onCancel: {
            flag.set()
        }
        return try result.get()
    }
}

/// Set from a task's cancellation handler, polled between prefill chunks and tokens.
public final class CancellationFlag: Sendable {
    private let flag = Synchronization.Atomic<Bool>(false)
    public init() {}
    public func set() { flag.store(true, ordering: .relaxed) }
    public var isSet: Bool { flag.load(ordering: .relaxed) }
}
