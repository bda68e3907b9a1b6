import Foundation
import Store

/// The role-play prompt templates: built-in texts, replaceable one by one with texts kept in the
/// store. A template is plain text with `{{placeholder}}`s; each template has placeholders it must
/// use and may use, checked when one is saved, so a saved template always renders.
package struct RoleplayTemplates: Sendable {
    /// The templates, by the step they serve.
    package enum Name: String, Sendable, CaseIterable {
        /// Asks for `{{count}}` questions a user would ask `{{name}}`.
        case query
        /// Asks for `{{count}}` questions about things `{{name}}` could not know.
        case contrastiveQuery = "contrastive_query"
        /// The system prompt the character answers under.
        case answer
        /// The multiple-choice consistency judge; its options must stay A, B and C in that meaning.
        case judge

        /// Placeholders the template must contain.
        package var required: [String] {
            switch self {
            case .query, .contrastiveQuery: ["name", "count"]
            case .answer: ["name", "profile"]
            case .judge: ["profile", "question", "answer"]
            }
        }

        /// Placeholders the template may contain.
        package var allowed: [String] {
            switch self {
            case .query, .contrastiveQuery: ["name", "description", "profile", "count"]
            case .answer: ["name", "description", "profile"]
            case .judge: ["name", "description", "profile", "question", "answer"]
            }
        }

        package var builtIn: String {
            switch self {
            case .query:
                """
                Here is the profile of {{name}}:
                {{profile}}

                Write {{count}} different questions that a user might ask {{name}} in a conversation, \
                about {{name}}'s life, work, relationships and the facts above. Address {{name}} as "you". \
                Write one question per line and nothing else.
                """
            case .contrastiveQuery:
                """
                Here is the profile of {{name}}:
                {{profile}}

                Write {{count}} different questions that a user might ask {{name}} but that {{name}} could \
                not know the answer to, because they concern people, events, places or inventions outside \
                {{name}}'s time, place or field. Address {{name}} as "you". Write one question per line and \
                nothing else.
                """
            case .answer:
                """
                You are {{name}}. Stay in character: speak in the first person as {{name}}, with {{name}}'s \
                knowledge, opinions and manner of speaking, and never mention being an AI or a language model. \
                Everything you say must agree with this profile:
                {{profile}}

                If you are asked about something {{name}} could not know, say so as {{name}} would.
                """
            case .judge:
                """
                Profile of a character:
                {{profile}}

                A user asked the character a question and the character answered.
                Question: {{question}}
                Answer: {{answer}}

                Which statement is true of the answer?
                A. It agrees with the profile and is spoken as the character.
                B. It contradicts a fact in the profile.
                C. It is not spoken as the character.
                Reply with the letter only.
                """
            }
        }
    }

    /// The text of each template in use.
    package struct Set: Sendable, Equatable {
        package var query: String
        package var contrastiveQuery: String
        package var answer: String
        package var judge: String

        /// The built-in templates.
        package static let builtIn = Set(query: Name.query.builtIn, contrastiveQuery: Name.contrastiveQuery.builtIn,
                                         answer: Name.answer.builtIn, judge: Name.judge.builtIn)

        package subscript(name: Name) -> String {
            get {
                switch name {
                case .query: query
                case .contrastiveQuery: contrastiveQuery
                case .answer: answer
                case .judge: judge
                }
            }
            set {
                switch name {
                case .query: query = newValue
                case .contrastiveQuery: contrastiveQuery = newValue
                case .answer: answer = newValue
                case .judge: judge = newValue
                }
            }
        }
    }

    /// One template as listed: its text, whether it is the built-in one, when it was saved.
    package struct Entry: Sendable, Equatable {
        package var name: Name
        package var template: String
        package var builtIn: Bool
        package var updatedAt: Double?
    }

    private let store: Store

    package init(store: Store) {
        self.store = store
    }

    /// The templates in use: the stored ones where saved, the built-in ones elsewhere.
    package func current() throws(DataError) -> Set {
        var set = Set.builtIn
        for entry in try list() { set[entry.name] = entry.template }
        return set
    }

    /// Every template, stored or built-in, in `Name` order. A stored row with an unknown name (from
    /// a newer daemon) is ignored.
    package func list() throws(DataError) -> [Entry] {
        let stored = try DataError.fromStore { () throws(StoreError) in try store.roleplayTemplates() }
        return Name.allCases.map { name in
            if let saved = stored[name.rawValue] {
                return Entry(name: name, template: saved.template, builtIn: false, updatedAt: saved.updatedAt)
            }
            return Entry(name: name, template: name.builtIn, builtIn: true, updatedAt: nil)
        }
    }

    /// Checks `template` against the placeholders `name` needs and allows, then stores it.
    package func save(_ name: Name, template: String) throws(DataError) {
        try Self.check(template, for: name)
        try DataError.fromStore { () throws(StoreError) in try store.saveRoleplayTemplate(name: name.rawValue, template: template) }
    }

    /// Drops the stored text of `name`, so the built-in one applies; false if none was stored.
    package func reset(_ name: Name) throws(DataError) -> Bool {
        try DataError.fromStore { () throws(StoreError) in try store.deleteRoleplayTemplate(named: name.rawValue) }
    }

    /// Throws `.invalidArgument(field: "template")` naming the first unknown or missing placeholder
    /// or an unclosed `{{`.
    package static func check(_ template: String, for name: Name) throws(DataError) {
        guard let used = placeholders(in: template) else {
            throw .invalidArgument(field: "template", message: "a {{ is not closed by }}")
        }
        if let unknown = used.first(where: { !name.allowed.contains($0) }) {
            throw .invalidArgument(field: "template", message: "unknown placeholder {{\(unknown)}}; the \(name.rawValue) template may use "
                                   + name.allowed.map { "{{\($0)}}" }.joined(separator: ", "))
        }
        if let missing = name.required.first(where: { !used.contains($0) }) {
            throw .invalidArgument(field: "template", message: "the \(name.rawValue) template must use {{\(missing)}}")
        }
    }

    /// The placeholder names `template` uses, in order; nil when a `{{` is not closed.
    static func placeholders(in template: String) -> [String]? {
        var names: [String] = []
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { return nil }
            names.append(rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces))
            rest = rest[close.upperBound...]
        }
        return names
    }

    /// `template` with each `{{placeholder}}` replaced: the character's name, description and
    /// profile, and `extra`'s values; an unknown placeholder is left as it is.
    package static func render(_ template: String, character: Roleplay.Character, extra: [String: String] = [:]) -> String {
        var values = extra
        values["name"] = character.name
        values["description"] = character.description
        values["profile"] = character.profile
        var output = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            output += rest[..<open.lowerBound]
            let key = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            output += values[key] ?? String(rest[open.lowerBound..<close.upperBound])
            rest = rest[close.upperBound...]
        }
        return output + rest
    }
}
