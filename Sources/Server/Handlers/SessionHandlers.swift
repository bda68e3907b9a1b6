import Engine
import JSON
import JSONRPC
import MinosProtocol

/// `session/*`: KV caches kept across requests (the engine's `SessionRegistry`).
extension MinosServer {
    func registerSessionHandlers() {
        let sessions = engine.sessions

        connection.register(SessionOpen.self) { [self] params, _ in
            let model = try engine.model(params.model)
            let (input, field) = try Self.prompt(prompt: params.prompt, messages: params.messages)
            return Self.wire(try await sessions.open(model: model, input: input, field: field,
                                                     compression: try Self.compression(params.compression), name: params.name))
        }

        connection.register(SessionAppend.self) { params, _ in
            let input: PromptInput, field: String
            switch (params.text, params.tokens, params.messages) {
            case (let text?, nil, nil): (input, field) = (.text(text), "text")
            case (nil, let tokens?, nil): (input, field) = (.tokens(tokens), "tokens")
            case (nil, nil, let messages?): (input, field) = (.messages(messages.map(Self.message)), "messages")
            default: throw RPCError.invalidParams("give exactly one of text, tokens and messages", path: "params")
            }
            return Self.wire(try await sessions.append(params.sessionId, input: input, field: field))
        }

        connection.register(SessionGenerate.self) { params, context in
            let model = try sessions.model(of: params.sessionId)
            context.beginProgress(title: "Generating in session \(params.sessionId)", percentage: 0)
            defer { context.endProgress() }
            let result = try await sessions.generate(params.sessionId, options: Self.options(params), keep: params.keep) { text in
                context.sendPartialResult(["text": .string(text)])
            }
            return Self.wire(result, model: model)
        }

        connection.register(SessionScore.self) { params, _ in
            let model = try sessions.model(of: params.sessionId)
            let scored = try await sessions.score(params.sessionId, continuation: Self.input(params.continuation), topK: params.topK,
                                                  parseSpecial: params.parseSpecial)
            return Self.wire(scored, model: model)
        }

        connection.register(SessionFork.self) { params, _ in
            Self.wire(try await sessions.fork(params.sessionId))
        }

        connection.register(SessionTruncate.self) { params, _ in
            Self.wire(try await sessions.truncate(params.sessionId, to: params.tokens))
        }

        connection.register(SessionClose.self) { params, _ in
            Self.wire(try sessions.close(params.sessionId))
        }

        connection.register(SessionList.self) { _, _ in
            SessionList.Result(
                sessions: sessions.list().map(Self.wire),
                saved: sessions.saved().map { .init(name: $0.name, bytes: $0.bytes, savedAt: $0.savedAt) },
                evictions: sessions.evictions.map {
                    .init(sessionId: $0.id, model: $0.model, name: $0.name, saved: $0.saved, bytes: $0.bytes, at: $0.at.timeIntervalSince1970)
                })
        }

        connection.register(SessionSave.self) { params, _ in
            let saved = try await sessions.save(params.sessionId, name: params.name)
            return SessionSave.Result(session: Self.wire(saved.session), name: saved.session.name ?? "", bytes: saved.bytes)
        }

        connection.register(SessionRestore.self) { [self] params, _ in
            Self.wire(try await sessions.restore(name: params.name, model: try engine.model(params.model)))
        }
    }

    static func compression(_ c: SessionWire.Compression) throws -> KVCompression {
        guard let method = KVCompression.Method(rawValue: c.method), let pooling = KVCompression.Pooling(rawValue: c.pooling) else {
            throw RPCError.invalidParams("unknown compression method or pooling", path: "params.compression")
        }
        return KVCompression(method: method, budget: c.budget, window: c.window, kernel: c.kernel, pooling: pooling, beta: c.beta)
    }

    static func wire(_ s: SessionStatus) -> SessionWire.Status {
        SessionWire.Status(sessionId: s.id, model: s.model, name: s.name, tokens: s.tokens, entries: s.entries, bytes: s.bytes,
                           sharedBytes: s.sharedBytes, compression: s.compression.map(wire), idleSeconds: s.idleSeconds, busy: s.busy)
    }

    static func wire(_ u: SessionUpdate) -> SessionWire.Update {
        SessionWire.Update(session: wire(u.session), cachedTokens: u.cachedTokens, evaluatedTokens: u.evaluatedTokens)
    }

    static func wire(_ r: KVCompressionReport) -> SessionWire.CompressionReport {
        SessionWire.CompressionReport(requested: r.requested.rawValue, applied: r.applied.rawValue, promptTokens: r.promptTokens,
                                      entriesPerLayer: r.keptPerLayer, bytesBefore: r.bytesBefore, bytesAfter: r.bytesAfter,
                                      bytesSaved: r.bytesSaved)
    }
}
