import Glibc
import Dispatch
import Kernels
import Synchronization

/// The loaded models and the one memory budget (`--memory-limit`) that covers weights and KV caches.
public final class Engine: Sendable {
    /// Weights and every KV cache of every model are reserved here before they are mapped or allocated.
    public let budget: MemoryBudget
    /// Bytes the budget allows; nil for no limit.
    public var memoryLimit: Int? { budget.limit }
    public let pool: WorkerPool
    /// How loaded models multiply activations with quantized weights.
    public let precision: ActivationPrecision
    /// Sessions of every model: KV caches clients keep across requests.
    public let sessions: SessionRegistry
    /// Sequences each model keeps for automatic prefix reuse (0: none).
    public let prefixEntries: Int
    private struct State {
        var models: [String: LoadedModel] = [:]
    }
    private let state = Mutex(State())

    /// The kernels' instruction sets: what runs (after MINOS_CPU / `--cpu`) and what the machine has.
    public static var kernelPath: (active: String, detected: String) {
        (CPUPath.active.description, CPUPath.detected.description)
    }

    public init(threads: Int, memoryLimit: Int?, precision: ActivationPrecision = .exact, sessionDirectory: String? = nil,
                prefixEntries: Int = 4) {
        self.pool = WorkerPool(threads: threads)
        self.budget = MemoryBudget(limit: memoryLimit)
        self.precision = precision
        self.sessions = SessionRegistry(directory: sessionDirectory)
        self.prefixEntries = prefixEntries
        budget.setReclaimer(MemoryBudget.Reclaimer(
            reclaimable: { [weak self] in self.map { $0.keptCacheBytes.prefixes + $0.sessions.idleBytes } ?? 0 },
            reclaimOne: { [weak self] in self?.reclaim() ?? false }))
    }

    /// Frees one thing the budget can do without: a reusable prefix first (the model holding the
    /// most), then the least recently used idle session. False when nothing is left.
    private func reclaim() -> Bool {
        let pools = state.withLock { $0.models.values.map(\.prefixCache) }
        for pool in pools.sorted(by: { $0.statistics.bytes > $1.statistics.bytes }) where pool.evictOldest() { return true }
        return sessions.evictOne()
    }

    /// Bytes of KV cache held beyond requests in flight: open sessions and reusable prefixes
    /// (each storage once within each), and both together (a storage they share counted once).
    public var keptCacheBytes: (sessions: Int, prefixes: Int, total: Int) {
        let caches = sessions.caches + models.flatMap { $0.prefixCache.caches }
        var seen = Set<ObjectIdentifier>()
        var total = 0
        for cache in caches {
            for storage in cache.storages where seen.insert(ObjectIdentifier(storage)).inserted { total += storage.byteCount }
        }
        return (sessions.totalBytes, models.reduce(0) { $0 + $1.prefixCache.statistics.bytes }, total)
    }

    /// Loads a GGUF model under `name` (default: the file's name without extension). The file's size
    /// is checked against the budget before it is mapped.
    public func load(path: String, name: String?, contextLength: Int?,
                     progress: @escaping @Sendable (String, Int) -> Void) async throws(EngineError) -> LoadedModel {
        let name = name ?? Self.defaultName(path)
        guard !name.isEmpty else { throw EngineError.invalidInput(field: "name", reason: "must not be empty") }
        let size = try Self.fileSize(path)
        try state.withLock { state throws(EngineError) in
            if state.models[name] != nil { throw EngineError.modelNameTaken(name) }
        }
        // Outside the lock: making room may evict sessions and reusable prefixes of loaded models.
        try budget.reserve(size)
        let pool = pool, precision = precision, budget = budget, prefixEntries = prefixEntries
        let result: Result<LoadedModel, EngineError> = await withCheckedContinuation { continuation in
            // A serial queue gets its own (overcommit) thread: loading never waits behind other blocking work.
            DispatchQueue(label: "minos.model.load").async {
                do throws(EngineError) {
                    continuation.resume(returning: .success(try LoadedModel(name: name, path: path, contextLength: contextLength,
                                                                            pool: pool, precision: precision, budget: budget,
                                                                            prefixEntries: prefixEntries, progress: progress)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        switch result {
        case .success(let model):
            let taken = state.withLock { state -> Bool in
                if state.models[name] != nil { return true }
                state.models[name] = model
                return false
            }
            if taken {
                budget.release(size)
                throw EngineError.modelNameTaken(name)
            }
            return model
        case .failure(let error):
            budget.release(size)
            throw error
        }
    }

    public func unload(_ name: String) throws(EngineError) {
        let model = state.withLock { $0.models.removeValue(forKey: name) }
        guard let model else { throw EngineError.modelNotLoaded(name) }
        sessions.closeAll(of: model)
        model.prefixCache.clear()
        budget.release(model.budgetBytes)
    }

    public func model(_ name: String) throws(EngineError) -> LoadedModel {
        guard let model = state.withLock({ $0.models[name] }) else { throw EngineError.modelNotLoaded(name) }
        return model
    }

    public var models: [LoadedModel] {
        state.withLock { Array($0.models.values) }.sorted { $0.name < $1.name }
    }

    public var reservedBytes: Int { budget.reservedBytes }

    static func defaultName(_ path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return file.hasSuffix(".gguf") ? String(file.dropLast(5)) : file
    }

    static func fileSize(_ path: String) throws(EngineError) -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw EngineError.invalidModelFile(path: path, reason: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw EngineError.invalidModelFile(path: path, reason: "not a regular file")
        }
        return Int(info.st_size)
    }
}
