import Foundation
import Logging
import Synchronization

/// A sequence a client keeps across requests: its tokens and the KV cache that holds them, so
/// each request evaluates only what is new. The cache may lag the tokens by the last generated
/// token (fed by the next request). Touched only by the request that has acquired it.
final class Session: @unchecked Sendable {
    let id: String
    let model: LoadedModel
    var tokens: [Int32]
    var cache: KVCache
    /// The conversation, for a session opened with chat messages (appends re-render it).
    var messages: [ChatMessage]?
    /// Set by `session/save` (or at open); a named session is saved before it is evicted.
    var name: String?
    var compression: KVCompressionReport?

    init(id: String, model: LoadedModel, tokens: [Int32], cache: KVCache, messages: [ChatMessage]?, name: String?,
         compression: KVCompressionReport?) {
        self.id = id
        self.model = model
        self.tokens = tokens
        self.cache = cache
        self.messages = messages
        self.name = name
        self.compression = compression
    }
}

/// A session as `session/list` and `daemon/status` report it.
public struct SessionStatus: Sendable {
    public var id: String
    public var model: String
    public var name: String?
    /// Tokens in the session.
    public var tokens: Int
    /// KV entries held, summed over layers.
    public var entries: Int
    /// Bytes of cache storage only this session writes, and bytes it reads that are shared with
    /// forks or reusable prefixes (counted once in the daemon's total).
    public var bytes: Int
    public var sharedBytes: Int
    public var compression: KVCompressionReport?
    public var idleSeconds: Double
    public var busy: Bool
}

/// What a session request did: the session afterwards, and the tokens it reused and evaluated.
public struct SessionUpdate: Sendable {
    public var session: SessionStatus
    public var cachedTokens: Int
    public var evaluatedTokens: Int
}

/// A session let go to make room under the memory limit.
public struct SessionEviction: Sendable {
    public var id: String
    public var model: String
    public var name: String?
    /// Whether it was saved first (named sessions are), so `session/restore` brings it back.
    public var saved: Bool
    public var bytes: Int
    public var at: Date
}

/// The open sessions of every model. Each serves one request at a time (a second gets
/// `sessionBusy`); idle ones are evicted least recently used first when the memory budget needs
/// room (`evictOne`), named ones saved to disk first.
public final class SessionRegistry: Sendable {
    private struct Entry {
        let session: Session
        var lastUsed: UInt64
        var lastUsedAt: Date
        var busy: Bool
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var clock: UInt64 = 0
        var nextID = 1
        /// Why ids that are gone are gone (closed, evicted), for clear errors.
        var gone: [String: String] = [:]
        var evictions: [SessionEviction] = []
    }

    private let state = Mutex(State())
    /// Where named sessions are saved; nil: nowhere (evicted named sessions are dropped).
    public let directory: String?
    private let logger = Logger(label: "minos.sessions")

    init(directory: String?) {
        self.directory = directory
    }

    // MARK: Bookkeeping

    private func register(_ make: (String) -> Session) -> Session {
        state.withLock { state in
            let id = "s\(state.nextID)"
            state.nextID += 1
            state.clock += 1
            let session = make(id)
            state.entries[id] = Entry(session: session, lastUsed: state.clock, lastUsedAt: Date(), busy: true)
            return session
        }
    }

    /// Marks the session busy for the caller; throws when it is missing or busy.
    private func acquire(_ id: String) throws(EngineError) -> Session {
        try state.withLock { state throws(EngineError) in
            guard var entry = state.entries[id] else {
                throw EngineError.sessionNotFound(id: id, reason: state.gone[id] ?? "never opened (session/list shows the open ones)")
            }
            guard !entry.busy else { throw EngineError.sessionBusy(id: id) }
            entry.busy = true
            state.entries[id] = entry
            return entry.session
        }
    }

    private func release(_ id: String) {
        state.withLock { state in
            state.clock += 1
            state.entries[id]?.busy = false
            state.entries[id]?.lastUsed = state.clock
            state.entries[id]?.lastUsedAt = Date()
        }
    }

    /// Runs `body` with the session acquired, releasing it on every path.
    private func using<T>(_ id: String, _ body: (Session) async throws(EngineError) -> T) async throws(EngineError) -> T {
        let session = try acquire(id)
        defer { release(id) }
        return try await body(session)
    }

    private func status(_ entry: Entry) -> SessionStatus {
        let session = entry.session, cache = session.cache
        let owned = cache.ownedBytes
        return SessionStatus(id: session.id, model: session.model.name, name: session.name, tokens: session.tokens.count,
                             entries: cache.counts.reduce(0, +), bytes: owned, sharedBytes: cache.byteCount - owned,
                             compression: session.compression, idleSeconds: entry.busy ? 0 : Date().timeIntervalSince(entry.lastUsedAt),
                             busy: entry.busy)
    }

    private func status(of id: String) -> SessionStatus? {
        state.withLock { state in state.entries[id] }.map(status)
    }

    private func update(_ session: Session, cached: Int, evaluated: Int) -> SessionUpdate {
        SessionUpdate(session: status(of: session.id)!, cachedTokens: cached, evaluatedTokens: evaluated)
    }

    /// The model an open session runs on.
    public func model(of id: String) throws(EngineError) -> LoadedModel {
        try state.withLock { state throws(EngineError) in
            guard let entry = state.entries[id] else {
                throw EngineError.sessionNotFound(id: id, reason: state.gone[id] ?? "never opened (session/list shows the open ones)")
            }
            return entry.session.model
        }
    }

    /// Every open session, oldest id first.
    public func list() -> [SessionStatus] {
        let entries = state.withLock { Array($0.entries.values) }
        return entries.map(status).sorted { $0.id.count != $1.id.count ? $0.id.count < $1.id.count : $0.id < $1.id }
    }

    /// Recent evictions, oldest first (at most 32 are remembered).
    public var evictions: [SessionEviction] { state.withLock { $0.evictions } }

    /// The caches of the open sessions.
    var caches: [KVCache] { state.withLock { $0.entries.values.map(\.session.cache) } }

    /// Bytes of every storage that open sessions read, each counted once.
    public var totalBytes: Int {
        let caches = state.withLock { $0.entries.values.map(\.session.cache) }
        var seen = Set<ObjectIdentifier>()
        var bytes = 0
        for cache in caches {
            for storage in cache.storages where seen.insert(ObjectIdentifier(storage)).inserted { bytes += storage.byteCount }
        }
        return bytes
    }

    /// Bytes only idle sessions hold (what evicting all of them could free at most).
    var idleBytes: Int {
        state.withLock { $0.entries.values.filter { !$0.busy }.map(\.session.cache) }.reduce(0) { $0 + $1.ownedBytes }
    }

    // MARK: Requests

    /// Opens a session on `model` holding `input` (text gets BOS as the tokenizer adds it; chat
    /// messages are rendered with the model's template). A prefix another request computed is
    /// reused unless the prompt is compressed.
    public func open(model: LoadedModel, input: PromptInput, field: String, compression: KVCompression,
                     name: String?) async throws(EngineError) -> SessionUpdate {
        _ = try model.decoder()
        if let problem = compression.problem() { throw EngineError.invalidInput(field: "compression.\(problem.field)", reason: problem.message) }
        if let name { _ = try SessionFile.path(for: name, in: directory ?? "/") }
        let tokens = try model.tokens(for: input, field: field).tokens
        guard !tokens.isEmpty else { throw EngineError.invalidInput(field: field, reason: "is empty after tokenization") }
        guard tokens.count <= model.contextLength else { throw EngineError.contextOverflow(needed: tokens.count, limit: model.contextLength) }
        let opened = try await model.compute { cancelled throws(EngineError) -> (KVCache, Int, KVCompressionReport?) in
            if compression.method != .none {
                let cache = model.makeGrowableCache()
                let report = try model.prefill(tokens[...], into: cache, compression: compression, cancelled: cancelled).report
                return (cache, 0, report)
            }
            let start = model.prefixCache.start(for: tokens, allocate: model.storageAllocator)
                ?? CacheStart(cache: model.makeGrowableCache(), cached: 0)
            try start.cache.reserve(tokens.count - start.cached)
            try model.feed(tokens[start.cached...], into: start.cache, cancelled: cancelled)
            model.prefixCache.offer(tokens, cache: start.cache)
            return (start.cache, start.cached, nil)
        }
        var messages: [ChatMessage]?
        if case .messages(let given) = input { messages = given }
        let session = register { id in
            Session(id: id, model: model, tokens: tokens, cache: opened.0, messages: messages, name: name, compression: opened.2)
        }
        release(session.id)
        return update(session, cached: opened.1, evaluated: tokens.count - opened.1)
    }

    /// Extends the session: text and token ids are appended (text without BOS); chat messages
    /// are added to the conversation, which is rendered again, and only what differs from the
    /// cached tokens is evaluated.
    public func append(_ id: String, input: PromptInput, field: String) async throws(EngineError) -> SessionUpdate {
        let (session, kept, evaluated) = try await using(id) { session throws(EngineError) -> (Session, Int, Int) in
            let model = session.model
            var tokens = session.tokens
            var messages = session.messages
            switch input {
            case .messages(let more):
                guard let history = session.messages else {
                    throw EngineError.invalidInput(field: field, reason: "this session holds text, not chat messages; append text or token ids")
                }
                guard !more.isEmpty else { throw EngineError.invalidInput(field: field, reason: "must not be empty") }
                messages = history + more
                tokens = try model.tokens(for: .messages(messages!), field: field).tokens
            case .text, .tokens:
                guard session.messages == nil else {
                    throw EngineError.invalidInput(field: field, reason: "this session holds chat messages; append messages")
                }
                tokens += try model.tokens(for: input, field: field, addSpecial: false).tokens
            }
            guard tokens.count <= model.contextLength else { throw EngineError.contextOverflow(needed: tokens.count, limit: model.contextLength) }
            let cache = session.cache
            let kept = min(PrefixCache.commonPrefix(session.tokens, tokens), Int(cache.nextPosition))
            let newTokens = tokens
            try await model.compute { cancelled throws(EngineError) in
                let tokens = newTokens
                if Int(cache.nextPosition) > kept { try cache.truncate(to: kept) }
                try cache.reserve(tokens.count - kept)
                try model.feed(tokens[kept...], into: cache, cancelled: cancelled)
                if cache.compressedThrough == 0 { model.prefixCache.offer(tokens, cache: cache) }
            }
            session.tokens = tokens
            session.messages = messages
            return (session, kept, tokens.count - kept)
        }
        return update(session, cached: kept, evaluated: evaluated)
    }

    /// Generates a continuation of the session. With `keep`, the generated tokens join the session
    /// (and, for a chat session, the reply joins the conversation as the assistant's turn);
    /// otherwise the session is left as it was (the generation runs on a fork of its cache).
    public func generate(_ id: String, options: GenerationOptions, keep: Bool,
                         onText: @escaping @Sendable (String) -> Void = { _ in }) async throws(EngineError) -> GenerationResult {
        try await using(id) { session throws(EngineError) in
            let model = session.model
            let stops = session.messages == nil ? [] : try model.tokens(for: .messages(session.messages!), field: "sessionId").stopTokens
            let request = try model.request(session.tokens, templateStops: stops, options: options)
            let cache = session.cache
            let cached = min(Int(cache.nextPosition), request.prompt.count - 1)
            let job = try model.scheduled(request, onText: onText, start: { () throws(EngineError) in
                let target = keep ? cache : cache.fork()
                if Int(target.nextPosition) > cached { try target.truncate(to: cached) }
                return CacheStart(cache: target, cached: cached)
            })
            let result = try await model.run([job])[0].get()
            if keep {
                session.tokens += result.tokens
                if session.messages != nil { session.messages!.append(ChatMessage(role: "assistant", content: result.text)) }
            }
            return result
        }
    }

    /// Contrastive or speculative decoding continuing two sessions that hold the same tokens, one
    /// on the expert model and one on the amateur; the generated tokens join both (and a chat
    /// reply joins both conversations).
    public func contrastive(expert expertID: String, amateur amateurID: String, options: GenerationOptions,
                            settings: ContrastiveSettings,
                            onText: @escaping @Sendable (String) -> Void = { _ in }) async throws(EngineError) -> ContrastiveResult {
        guard expertID != amateurID else {
            throw EngineError.invalidInput(field: "amateurSessionId", reason: "must be another session than the expert's")
        }
        return try await using(expertID) { expert throws(EngineError) in
            try await self.using(amateurID) { amateur throws(EngineError) in
                guard expert.tokens == amateur.tokens else {
                    throw EngineError.invalidInput(field: "amateurSessionId",
                                                   reason: "the sessions hold different tokens (\(expert.tokens.count) and \(amateur.tokens.count)); open both on the same prompt")
                }
                let stops = expert.messages == nil ? [] : try expert.model.tokens(for: .messages(expert.messages!), field: "expertSessionId").stopTokens
                let result = try await ContrastiveDecoding.generate(
                    expert: expert.model, amateur: amateur.model, prompt: expert.tokens, templateStops: stops, options: options,
                    settings: settings, start: .init(expert: expert.cache, amateur: amateur.cache), onText: onText)
                for session in [expert, amateur] {
                    session.tokens += result.generation.tokens
                    if session.messages != nil { session.messages!.append(ChatMessage(role: "assistant", content: result.generation.text)) }
                }
                return result
            }
        }
    }

    /// Scores `continuation` after the session's tokens, leaving the session as it was.
    public func score(_ id: String, continuation: PromptInput, topK: Int, parseSpecial: Bool) async throws(EngineError) -> ScoreResult {
        try await using(id) { session throws(EngineError) in
            let model = session.model
            let prompt = session.tokens
            let scored = try model.tokens(for: continuation, field: "continuation", addSpecial: false, parseSpecial: parseSpecial).tokens
            guard !scored.isEmpty else { throw EngineError.invalidInput(field: "continuation", reason: "is empty after tokenization") }
            let total = prompt.count + scored.count
            guard total <= model.contextLength else { throw EngineError.contextOverflow(needed: total, limit: model.contextLength) }
            let cache = session.cache
            return try await model.compute { cancelled throws(EngineError) in
                let fork = cache.fork()
                let cached = min(Int(fork.nextPosition), prompt.count - 1)
                if Int(fork.nextPosition) > cached { try fork.truncate(to: cached) }
                return try model.score(prompt: prompt, continuation: scored, topK: topK, from: CacheStart(cache: fork, cached: cached),
                                       cancelled: cancelled)
            }
        }
    }

    /// A new session with the same tokens, reading the parent's cache entries without copying
    /// them; appending to either never changes the other.
    public func fork(_ id: String) async throws(EngineError) -> SessionStatus {
        let child = try await using(id) { parent throws(EngineError) -> Session in
            let cache = try await parent.model.compute { _ throws(EngineError) in parent.cache.fork() }
            return register { newID in
                Session(id: newID, model: parent.model, tokens: parent.tokens, cache: cache, messages: parent.messages, name: nil,
                        compression: parent.compression)
            }
        }
        release(child.id)
        return status(of: child.id)!
    }

    /// Rolls the session back to its first `length` tokens. A chat session becomes a token session
    /// (its messages no longer describe it). Lengths inside a compressed prompt are refused.
    public func truncate(_ id: String, to length: Int) async throws(EngineError) -> SessionStatus {
        try await using(id) { session throws(EngineError) in
            try await self.truncate(session, to: length)
        }
        return status(of: id)!
    }

    private func truncate(_ session: Session, to length: Int) async throws(EngineError) {
        guard length <= session.tokens.count else {
            throw EngineError.invalidInput(field: "tokens", reason: "the session has only \(session.tokens.count) tokens")
        }
        guard length >= 1 else { throw EngineError.invalidInput(field: "tokens", reason: "must keep at least one token") }
        let cache = session.cache
        try await session.model.compute { _ throws(EngineError) in
            if Int(cache.nextPosition) > length { try cache.truncate(to: length) }
        }
        if length < session.tokens.count {
            session.tokens.removeLast(session.tokens.count - length)
            session.messages = nil
        }
    }

    /// Closes the session; its bytes come back once nothing else reads them.
    public func close(_ id: String) throws(EngineError) -> SessionStatus {
        try state.withLock { state throws(EngineError) in
            guard let entry = state.entries[id] else {
                throw EngineError.sessionNotFound(id: id, reason: state.gone[id] ?? "never opened (session/list shows the open ones)")
            }
            guard !entry.busy else { throw EngineError.sessionBusy(id: id) }
            state.entries[id] = nil
            state.gone[id] = "closed"
            return status(entry)
        }
    }

    /// Closes every session of `model` (it is being unloaded).
    func closeAll(of model: LoadedModel) {
        state.withLock { state in
            for (id, entry) in state.entries where entry.session.model === model {
                state.entries[id] = nil
                state.gone[id] = "its model was unloaded"
            }
        }
    }

    // MARK: Persistence

    /// Where a saved session goes: the session directory, which must be configured.
    private func savedPath(_ name: String) throws(EngineError) -> String {
        guard let directory else {
            throw EngineError.invalidInput(field: "name", reason: "sessions cannot be saved: the daemon has no session directory")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw EngineError.invalidInput(field: "name", reason: "cannot create the session directory \(directory): \(error.localizedDescription)")
        }
        return try SessionFile.path(for: name, in: directory)
    }

    /// Writes the session's tokens and cache atomically (a crash mid-save leaves the previous copy
    /// intact) under `name` (default: its name so far); the session keeps the name, so it is saved
    /// again before any eviction.
    public func save(_ id: String, name: String?) async throws(EngineError) -> (session: SessionStatus, path: String, bytes: Int) {
        let saved = try await using(id) { session throws(EngineError) -> (path: String, bytes: Int) in
            guard let chosen = name ?? session.name else {
                throw EngineError.invalidInput(field: "name", reason: "the session has no name yet; give one")
            }
            let path = try savedPath(chosen)
            let directory = directory!
            // On the model's queue: file I/O stays off Swift's cooperative threads, and the cache
            // is read between forward passes.
            try await session.model.compute { _ throws(EngineError) in try self.save(session, name: chosen, directory: directory) }
            session.name = chosen
            let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            return (path, bytes ?? 0)
        }
        return (status(of: id)!, saved.path, saved.bytes)
    }

    private func save(_ session: Session, name: String, directory: String) throws(EngineError) {
        let snapshot = SessionSnapshot(name: name, tokens: session.tokens, messages: session.messages,
                                       compression: session.compression.map { "\($0.applied.rawValue), \($0.keptPerLayer.reduce(0, +)) entries" },
                                       savedAt: Date().timeIntervalSince1970)
        try SessionFile.write(snapshot, cache: session.cache, model: session.model, to: try SessionFile.path(for: name, in: directory))
    }

    /// Opens a session from a saved one, checked against `model` (a file saved from another model,
    /// or a damaged one, is refused and nothing is loaded).
    public func restore(name: String, model: LoadedModel) async throws(EngineError) -> SessionUpdate {
        let path = try savedPath(name)
        let (snapshot, cache) = try await model.compute { _ throws(EngineError) in try SessionFile.read(from: path, model: model) }
        let session = register { id in
            Session(id: id, model: model, tokens: snapshot.tokens, cache: cache, messages: snapshot.messages, name: name, compression: nil)
        }
        release(session.id)
        return update(session, cached: Int(cache.nextPosition), evaluated: 0)
    }

    /// Saved sessions in the session directory.
    public func saved() -> [(name: String, path: String, bytes: Int, savedAt: Double)] {
        directory.map { SessionFile.list(in: $0) } ?? []
    }

    // MARK: Eviction

    /// Lets go of the least recently used idle session to make room: saved first when it is
    /// named and there is a directory, else dropped; recorded either way. False when no session
    /// is idle.
    func evictOne() -> Bool {
        let victim = state.withLock { state -> Entry? in
            guard let id = state.entries.filter({ !$0.value.busy }).min(by: { $0.value.lastUsed < $1.value.lastUsed })?.key else { return nil }
            state.entries[id]?.busy = true   // nobody else may take it while it is saved
            return state.entries[id]
        }
        guard let victim else { return false }
        let session = victim.session
        var saved = false
        if let name = session.name, let directory {
            do {
                _ = try savedPath(name)   // makes the directory
                try save(session, name: name, directory: directory)
                saved = true
            } catch {
                logger.warning("could not save session \(session.id) ('\(name)') before evicting it: \(error)")
            }
        }
        let bytes = session.cache.ownedBytes
        state.withLock { state in
            state.entries[session.id] = nil
            state.gone[session.id] = saved
                ? "evicted to make room under the memory limit; saved as '\(session.name!)' (session/restore brings it back)"
                : "evicted to make room under the memory limit (unnamed, so not saved)"
            state.evictions.append(SessionEviction(id: session.id, model: session.model.name, name: session.name, saved: saved,
                                                   bytes: bytes, at: Date()))
            if state.evictions.count > 32 { state.evictions.removeFirst(state.evictions.count - 32) }
        }
        logger.notice("evicted session \(session.id) (\(bytes) bytes)\(saved ? ", saved as '\(session.name!)'" : "")")
        return true
    }
}
