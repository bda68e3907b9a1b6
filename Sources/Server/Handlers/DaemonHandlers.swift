import Engine
import Glibc
import JSON
import JSONRPC
import MinosProtocol

extension MinosServer {
    func registerDaemonHandlers() {
        let document = OpenRPCDocument.make()
        connection.registerInline(Discover.self) { _, _ in document }

        connection.register(DaemonStatus.self) { [self] _, _ in
            let stats = connection.statistics
            let sessions = engine.sessions.list()
            let prefixes = engine.models.map(\.prefixCacheStatistics)
            let kept = engine.keptCacheBytes
            let kv = DaemonStatus.Result.KV(
                sessions: sessions.map { .init(sessionId: $0.id, model: $0.model, bytes: $0.bytes, sharedBytes: $0.sharedBytes) },
                totalBytes: kept.total, sessionBytes: kept.sessions, prefixCacheBytes: kept.prefixes,
                prefixCacheHits: prefixes.reduce(0) { $0 + $1.hits }, reusedTokens: prefixes.reduce(0) { $0 + $1.reusedTokens },
                evictions: engine.sessions.evictions.count)
            return DaemonStatus.Result(
                version: MinosVersion.current,
                pid: Int(getpid()),
                uptimeSeconds: ProcessStats.monotonicSeconds() - startedAt,
                residentMemoryBytes: ProcessStats.residentMemoryBytes(),
                requests: .init(served: stats.served, failed: stats.failed,
                                cancelled: stats.cancelled, inFlight: stats.inFlight),
                openSessions: sessions.count,
                models: engine.models.map {
                    .init(name: $0.name, architecture: $0.configuration.architecture, bytesResident: $0.bytesResident)
                },
                store: .init(path: store.path, schemaVersion: store.schemaVersion, journalMode: store.journalMode),
                cpu: .init(active: Engine.kernelPath.active, detected: Engine.kernelPath.detected), kv: kv)
        }

        connection.register(DaemonPing.self) { params, _ in
            DaemonPing.Result(echo: params.echo)
        }

        connection.register(DaemonSleep.self) { params, context in
            let steps = params.steps
            context.beginProgress(title: "Sleeping", percentage: 0)
            let slice = Duration.milliseconds(params.milliseconds) / steps
            for step in 1...steps {
                try await Task.sleep(for: slice)
                context.reportProgress(message: "step \(step) of \(steps)", percentage: step * 100 / steps)
            }
            context.endProgress(message: "done")
            return DaemonSleep.Result(sleptMilliseconds: params.milliseconds)
        }
    }
}
