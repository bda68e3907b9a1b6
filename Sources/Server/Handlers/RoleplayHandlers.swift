import DataTools
import Engine
import Foundation
import JSONRPC
import MinosProtocol

/// The role-play methods: decode, one call into DataTools' `RoleplayTemplates` (which holds the
/// templates in the store and runs Ditto's steps over `EngineRoleplayModel`), encode.
extension MinosServer {
    func registerRoleplayHandlers() {
        let templates = RoleplayTemplates(store: store)

        connection.register(RoleplayGenerate.self) { [self] params, context in
            var sampling = SamplingParameters()
            sampling.temperature = params.temperature
            sampling.topP = params.topP
            sampling.seed = params.seed.map(UInt64.init)
            let options = GenerationOptions(sampling: sampling, maxTokens: params.maxTokens)
            let model = EngineRoleplayModel(model: try engine.model(params.model), options: options)
            let judge = EngineRoleplayModel(model: try engine.model(params.judgeModel ?? params.model), options: options)
            let plan = Roleplay.Plan(questions: params.questions ?? [], characterQuestions: params.queries,
                                     contrastiveQuestions: params.contrastiveQueries)
            context.beginProgress(title: "Role-play for \(params.character.name)", percentage: 0)
            defer { context.endProgress() }
            let (round, written) = try await templates.generate(
                Self.character(params.character), plan: plan, model: model, judge: judge, output: params.output,
                progress: { done, total in context.reportProgress(message: "\(done)/\(total) dialogues", percentage: 100 * done / total) })
            return RoleplayGenerate.Result(
                dialogues: round.exchanges.map {
                    RoleplayWire.Exchange(question: $0.question, kind: $0.kind.rawValue, answer: $0.answer, check: Self.wire($0.check))
                },
                consistent: round.exchanges.filter { $0.check.verdict == .consistent }.count,
                queryOutputs: round.queryOutputs, system: round.system, written: written)
        }

        connection.register(RoleplayCheck.self) { [self] params, _ in
            let judge = EngineRoleplayModel(model: try engine.model(params.model), options: GenerationOptions())
            let checks = try await templates.check(Self.character(params.character),
                                                   dialogue: params.dialogue.map { ($0.question, $0.answer) }, judge: judge)
            return RoleplayCheck.Result(checks: checks.map(Self.wire), consistent: checks.filter { $0.verdict == .consistent }.count)
        }

        connection.register(RoleplayTemplatesList.self) { _, _ in
            RoleplayTemplatesList.Result(templates: try templates.list().map(Self.wire))
        }

        connection.register(RoleplayTemplatesSave.self) { params, _ in
            let name = try Self.templateName(params.name)
            try templates.save(name, template: params.template)
            return Self.wire(try templates.list().first { $0.name == name }!)
        }

        connection.register(RoleplayTemplatesReset.self) { params, _ in
            let name = try Self.templateName(params.name)
            _ = try templates.reset(name)
            return Self.wire(try templates.list().first { $0.name == name }!)
        }
    }

    static func templateName(_ raw: String) throws(RPCError) -> RoleplayTemplates.Name {
        guard let name = RoleplayTemplates.Name(rawValue: raw) else {
            throw RPCError.invalidParams("unknown template \(raw)", path: "params.name")
        }
        return name
    }

    static func character(_ c: RoleplayWire.Character) -> Roleplay.Character {
        Roleplay.Character(name: c.name, description: c.description ?? "",
                           facts: c.facts.map { .init(attribute: $0.attribute, value: $0.value) })
    }

    static func wire(_ check: Roleplay.Check) -> RoleplayWire.Check {
        RoleplayWire.Check(verdict: check.verdict.rawValue,
                           probabilities: Dictionary(uniqueKeysWithValues: check.probabilities.map { ($0.key.rawValue, $0.value) }),
                           mass: check.mass)
    }

    static func wire(_ entry: RoleplayTemplates.Entry) -> RoleplayWire.Template {
        RoleplayWire.Template(name: entry.name.rawValue, template: entry.template, builtIn: entry.builtIn, updatedAt: entry.updatedAt,
                              required: entry.name.required, allowed: entry.name.allowed)
    }
}

/// A loaded model as the role-play tools see it: replies through its chat template with the
/// request's sampling options; choices read from the next-token distribution after the prompt.
struct EngineRoleplayModel: RoleplayModel {
    let model: LoadedModel
    let options: GenerationOptions

    func reply(system: String?, user: String) async throws -> String {
        let messages = (system.map { [ChatMessage(role: "system", content: $0)] } ?? []) + [ChatMessage(role: "user", content: user)]
        return try await model.generate(.messages(messages), field: "character", options: options).text
    }

    /// Each choice's probability as the reply's first token, counting the choice's first token both
    /// alone and after a space (tokenizers split "A" and " A" differently).
    func choiceProbabilities(user: String, choices: [String]) async throws -> [Double] {
        let tokens = model.chatPrompt([ChatMessage(role: "user", content: user)]).tokens
        var labels: [Int32] = []
        var owners: [Int] = []
        for (index, choice) in choices.enumerated() {
            for variant in [choice, " " + choice] {
                guard let first = model.tokenizer.encode(variant, addSpecial: false, parseSpecial: false).first,
                      !labels.contains(first) else { continue }
                labels.append(first)
                owners.append(index)
            }
        }
        let logProbabilities = try await model.labelLogProbabilities(tokens: tokens, positions: [tokens.count - 1], labels: labels)[0]
        var sums = Array(repeating: 0.0, count: choices.count)
        for (owner, logProbability) in zip(owners, logProbabilities) { sums[owner] += exp(logProbability) }
        return sums
    }
}
