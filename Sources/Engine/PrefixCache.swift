import Synchronization

/// Where a sequence starts: a cache and how many of the prompt's leading tokens it already holds.
struct CacheStart: @unchecked Sendable {
    let cache: KVCache
    let cached: Int
}

/// Recently computed token sequences of one model, kept (as forks, sharing their entries) so a
/// later request whose prompt starts the same way reuses them instead of evaluating them again:
/// follow-up turns of a chat, many questions about one document, a verifier scoring candidates
/// after one question. Least recently used entries go first, when there are more than
/// `maxEntries` or when the memory budget needs their bytes (`evictOldest`).
final class PrefixCache: Sendable {
    private struct Entry {
        let tokens: [Int32]
        let cache: KVCache
        var lastUsed: UInt64
    }

    private struct State {
        var entries: [Entry] = []
        var clock: UInt64 = 0
        var hits = 0
        var reusedTokens = 0
    }

    let maxEntries: Int
    private let state = Mutex(State())

    init(maxEntries: Int) {
        self.maxEntries = maxEntries
    }

    /// A start for `prompt`: a fork of the entry sharing the longest prefix with it, cut back to
    /// that prefix, leaving at least the last prompt token to evaluate (its logits are needed).
    /// Nil when no entry shares a token. Call on the model's queue.
    func start(for prompt: [Int32], allocate: @escaping @Sendable (Int) throws(EngineError) -> KVStorage) -> CacheStart? {
        let best = state.withLock { state -> (cache: KVCache, shared: Int)? in
            var best: (index: Int, shared: Int)?
            for (index, entry) in state.entries.enumerated() {
                let shared = Self.commonPrefix(entry.tokens, prompt)
                if shared > (best?.shared ?? 0) { best = (index, shared) }
            }
            guard let best else { return nil }
            state.clock += 1
            state.entries[best.index].lastUsed = state.clock
            return (state.entries[best.index].cache, best.shared)
        }
        guard let best else { return nil }
        let reuse = min(best.shared, prompt.count - 1, Int(best.cache.nextPosition))
        guard reuse > 0 else { return nil }
        let cache = best.cache.fork(allocate: allocate)
        do {
            try cache.truncate(to: reuse)
        } catch {
            return nil   // a compressed prefix cannot be cut back (offer never keeps those)
        }
        state.withLock {
            $0.hits += 1
            $0.reusedTokens += reuse
        }
        return CacheStart(cache: cache, cached: reuse)
    }

    /// Keeps `tokens`, whose entries `cache` holds, for later requests. Only exact caches are kept
    /// (a compressed one would change what a request computes). An entry whose tokens the new ones
    /// extend is replaced. Call on the model's queue.
    func offer(_ tokens: [Int32], cache: KVCache) {
        guard maxEntries > 0, !tokens.isEmpty, cache.compressedThrough == 0, Int(cache.nextPosition) == tokens.count else { return }
        let entry = cache.fork()
        state.withLock { state in
            state.clock += 1
            state.entries.removeAll { Self.commonPrefix($0.tokens, tokens) == $0.tokens.count }
            if state.entries.contains(where: { Self.commonPrefix($0.tokens, tokens) == tokens.count }) { return }
            state.entries.append(Entry(tokens: tokens, cache: entry, lastUsed: state.clock))
            while state.entries.count > maxEntries {
                let oldest = state.entries.indices.min { state.entries[$0].lastUsed < state.entries[$1].lastUsed }!
                state.entries.remove(at: oldest)
            }
        }
    }

    /// Drops the least recently used entry; false when there is none. Its bytes come back when no
    /// other cache reads them.
    func evictOldest() -> Bool {
        let dropped = state.withLock { state -> Entry? in
            guard let oldest = state.entries.indices.min(by: { state.entries[$0].lastUsed < state.entries[$1].lastUsed }) else { return nil }
            return state.entries.remove(at: oldest)
        }
        return dropped != nil
    }

    /// The kept caches.
    var caches: [KVCache] { state.withLock { $0.entries.map(\.cache) } }

    /// Forgets every entry.
    func clear() {
        state.withLock { $0.entries.removeAll() }
    }

    /// Entries, the bytes of the storages they read (each once), requests that reused one, and
    /// the tokens those requests did not evaluate again.
    var statistics: (entries: Int, bytes: Int, hits: Int, reusedTokens: Int) {
        state.withLock { state in
            var seen = Set<ObjectIdentifier>()
            var bytes = 0
            for entry in state.entries {
                for storage in entry.cache.storages where seen.insert(ObjectIdentifier(storage)).inserted { bytes += storage.byteCount }
            }
            return (state.entries.count, bytes, state.hits, state.reusedTokens)
        }
    }

    static func commonPrefix(_ a: [Int32], _ b: [Int32]) -> Int {
        var n = 0
        let limit = min(a.count, b.count)
        while n < limit && a[n] == b[n] { n += 1 }
        return n
    }
}
