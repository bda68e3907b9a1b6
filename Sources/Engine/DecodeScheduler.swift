import Foundation
import Synchronization

/// Continuous batching for one model: generation requests that arrive while others are decoding
/// join them, and every step feeds one token of each active sequence through a single forward
/// pass, so concurrent requests share each read of the weights.
///
/// The loop runs on the model's compute queue while there is work and stops when there is none.
final class DecodeScheduler: Sendable {
    struct Job: Sendable {
        let request: GenerationRequest
        /// Most tokens the sequence may reach (prompt and generation, within the context).
        let capacity: Int
        /// Makes the cache the sequence runs in, on the model's queue when the job is admitted; nil
        /// for a fresh cache of `capacity`.
        let start: (@Sendable () throws(EngineError) -> CacheStart)?
        /// Called on the model's queue when the job ends well, with its cache and the tokens the
        /// cache holds (prompt and the generated tokens fed back).
        let keep: (@Sendable (KVCache, [Int32]) -> Void)?
        let onText: @Sendable (String) -> Void
        let cancelled: CancellationFlag
        let finish: @Sendable (Result<GenerationResult, EngineError>) -> Void

        func finishing(_ finish: @escaping @Sendable (Result<GenerationResult, EngineError>) -> Void) -> Job {
            Job(request: request, capacity: capacity, start: start, keep: keep, onText: onText, cancelled: cancelled, finish: finish)
        }
    }

    private struct State {
        var pending: [Job] = []
        var running = false
        /// Decode steps that advanced more than one sequence (for tests and status).
        var sharedSteps = 0
    }

    private let state = Mutex(State())

    /// Steps so far in which several requests' sequences were decoded together.
    var sharedSteps: Int { state.withLock { $0.sharedSteps } }

    /// Queues jobs, which join the next step together; starts the loop on the model's queue if it
    /// is not running.
    func submit(_ jobs: [Job], model: LoadedModel) {
        let start = state.withLock { state -> Bool in
            state.pending += jobs
            defer { state.running = true }
            return !state.running
        }
        if start { model.queue.async { self.loop(model) } }
    }

    private struct Active {
        let job: Job
        let cache: KVCache
        var sequence: SequenceState
        var logits: [Float]
        /// The token sampled this step, to be fed next.
        var nextToken: Int32 = 0
        /// Prompt tokens the cache already held (not evaluated again).
        let cached: Int
        let prefillSeconds: Double
        let decodeStart: Date
    }

    private func loop(_ model: LoadedModel) {
        var active: [Active] = []
        while true {
            // Admit what has arrived: prefill each new sequence.
            let arrived = state.withLock { state -> [Job] in
                defer { state.pending.removeAll() }
                return state.pending
            }
            for job in arrived {
                let start = Date()
                do throws(EngineError) {
                    let begin: CacheStart
                    if let start = job.start { begin = try start() } else {
                        begin = CacheStart(cache: try model.makeCache(capacity: job.capacity), cached: 0)
                    }
                    try begin.cache.reserve(job.capacity - begin.cached)
                    let logits = try model.prefill(job.request.prompt[begin.cached...], cache: begin.cache, cancelled: job.cancelled)
                    active.append(Active(job: job, cache: begin.cache, sequence: SequenceState(job.request, tokenizer: model.tokenizer),
                                         logits: logits, cached: begin.cached, prefillSeconds: Date().timeIntervalSince(start),
                                         decodeStart: Date()))
                } catch {
                    job.finish(.failure(error))
                }
            }
            if active.isEmpty {
                let done = state.withLock { state -> Bool in
                    if state.pending.isEmpty { state.running = false }
                    return !state.running
                }
                if done { return }
                continue
            }

            // One step: sample for every sequence, retire the finished, decode the rest together.
            for i in active.indices {
                if active[i].job.cancelled.isSet {
                    active[i].sequence.reason = .length   // marks it done; the job reports cancellation
                    continue
                }
                if !active[i].sequence.finished {
                    let token = active[i].sequence.sample(active[i].logits)
                    if let text = active[i].sequence.accept(token, cacheFull: Int(active[i].cache.nextPosition) >= active[i].job.capacity) { active[i].job.onText(text) }
                    active[i].nextToken = token
                }
            }
            // Retire finished sequences: their caches are freed (and the budget's bytes given back)
            // before their replies go out, so a client never sees bytes still held for a reply it has.
            var outcomes: [(job: Job, outcome: Result<GenerationResult, EngineError>)] = []
            for item in active where item.sequence.finished || item.job.cancelled.isSet {
                if item.job.cancelled.isSet {
                    outcomes.append((item.job, .failure(.cancelled)))
                    continue
                }
                var sequence = item.sequence
                if let text = sequence.finish() { item.job.onText(text) }
                let result = sequence.result(prefillSeconds: item.prefillSeconds, decodeSeconds: Date().timeIntervalSince(item.decodeStart),
                                             cachedTokens: item.cached)
                item.job.keep?(item.cache, Array((item.job.request.prompt + result.tokens).prefix(Int(item.cache.nextPosition))))
                outcomes.append((item.job, .success(result)))
            }
            active.removeAll { $0.sequence.finished || $0.job.cancelled.isSet }
            for (job, outcome) in outcomes { job.finish(outcome) }
            if active.count > 1 { state.withLock { $0.sharedSteps += 1 } }
            let logits = model.decodeStep(active.map(\.nextToken), caches: active.map(\.cache))
            for i in active.indices { active[i].logits = logits[i] }
        }
    }
}
