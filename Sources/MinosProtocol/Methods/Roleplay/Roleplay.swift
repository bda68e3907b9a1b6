import JSON
import JSONRPC

/// Shapes shared by the role-play methods.
public enum RoleplayWire {
    public struct Fact: Codable, Sendable, Equatable {
        public var attribute: String
        public var value: String
    }

    /// A character as Wikidata gives one: name, description, attribute/value facts.
    public struct Character: Codable, Sendable, Equatable {
        public var name: String
        public var description: String?
        public var facts: [Fact]
    }

    /// The judge's reading of one exchange.
    public struct Check: Codable, Sendable, Equatable {
        /// consistent (A), contradiction (B) or out_of_character (C).
        public var verdict: String
        /// Each verdict's probability, renormalized over the three option letters.
        public var probabilities: [String: Double]
        /// The probability the judge gave the three letters together before renormalizing.
        public var mass: Double
        public init(verdict: String, probabilities: [String: Double], mass: Double) {
            self.verdict = verdict
            self.probabilities = probabilities
            self.mass = mass
        }
    }

    public struct Exchange: Codable, Sendable, Equatable {
        public var question: String
        /// character (simulated about the character), contrastive (beyond its knowledge) or given.
        public var kind: String
        public var answer: String
        public var check: Check
        public init(question: String, kind: String, answer: String, check: Check) {
            self.question = question
            self.kind = kind
            self.answer = answer
            self.check = check
        }
    }

    /// One question and answer given to `roleplay/check`.
    public struct Turn: Codable, Sendable, Equatable {
        public var question: String
        public var answer: String
    }

    /// One template as listed.
    public struct Template: Codable, Sendable, Equatable {
        public var name: String
        public var template: String
        /// True when no edited text is stored and the built-in one applies.
        public var builtIn: Bool
        /// When the edited text was saved (seconds since 1970); absent for a built-in one.
        public var updatedAt: Double?
        /// Placeholders the template must use, and may use.
        public var required: [String]
        public var allowed: [String]
        public init(name: String, template: String, builtIn: Bool, updatedAt: Double?, required: [String], allowed: [String]) {
            self.name = name
            self.template = template
            self.builtIn = builtIn
            self.updatedAt = updatedAt
            self.required = required
            self.allowed = allowed
        }
    }

    public static let verdicts = ["consistent", "contradiction", "out_of_character"]
    public static let templateNames = ["query", "contrastive_query", "answer", "judge"]

    static let character = ParamDoc(
        "character", "The character: name, optional description, and attribute/value facts as Wikidata gives them.",
        Schema.object(["name": ["type": "string", "minLength": 1],
                       "description": Schema.string,
                       "facts": Schema.array(Schema.object(["attribute": Schema.string, "value": Schema.string],
                                                           required: ["attribute", "value"]), minItems: 0, maxItems: 500)],
                      required: ["name", "facts"]),
        required: true)
    static let templateName = ParamDoc("name", "The template: query, contrastive_query, answer or judge.",
                                       Schema.enumeration(templateNames), required: true)

    static let checkSchema = Schema.object(
        ["verdict": Schema.enumeration(verdicts),
         "probabilities": Schema.object(Dictionary(uniqueKeysWithValues: verdicts.map { ($0, Schema.number) }), required: verdicts),
         "mass": Schema.number],
        required: ["verdict", "probabilities", "mass"])
    static let templateSchema = Schema.object(
        ["name": Schema.enumeration(templateNames), "template": Schema.string, "builtIn": Schema.boolean, "updatedAt": Schema.number,
         "required": Schema.array(Schema.string), "allowed": Schema.array(Schema.string)],
        required: ["name", "template", "builtIn", "required", "allowed"])
}

/// `roleplay/generate`: a round of Ditto's self-simulation for one character. Unless `questions`
/// are given, the `query` template asks `model` for `queries` questions about the character and the
/// `contrastive_query` template for `contrastiveQueries` questions beyond its knowledge (one per
/// line; numbering and bullets are removed). `model` answers each in character with the rendered
/// `answer` template as the system turn; the judge (`judgeModel`, default `model`) reads the
/// profile and the exchange through the `judge` template and its next-token probabilities of A, B
/// and C give the verdict: consistent, contradiction or out_of_character. Generation uses the
/// sampling params (`seed` makes a round repeatable). With `output`, the consistent exchanges are
/// written atomically as LLaMA-Factory ShareGPT JSONL (system, human, gpt). Progress per
/// exchange; cancellable. Errors: -33000 (a model not loaded), -33002 (a prompt beyond the
/// context), -32602, -32603 (the output cannot be written), -32800.
public enum RoleplayGenerate: RPCMethod, DocumentedMethod {
    public static let name = "roleplay/generate"
    public static let summary = "Simulates role-play dialogues for a character (Ditto): questions, in-character answers, and a judge's consistency check of each."
    public struct Params: Codable, Sendable {
        public var model: String
        public var judgeModel: String?
        public var character: RoleplayWire.Character
        public var questions: [String]?
        public var queries: Int
        public var contrastiveQueries: Int
        public var output: String?
        public var maxTokens: Int
        public var temperature: Double
        public var topP: Double
        public var seed: Int?
    }
    public struct Result: Codable, Sendable {
        public var dialogues: [RoleplayWire.Exchange]
        /// How many dialogues the judge found consistent.
        public var consistent: Int
        /// The query prompts' raw outputs (empty when questions were given).
        public var queryOutputs: [String]
        /// The rendered answer template each dialogue used as its system turn.
        public var system: String
        /// Records written to `output`.
        public var written: Int?
        public init(dialogues: [RoleplayWire.Exchange], consistent: Int, queryOutputs: [String], system: String, written: Int?) {
            self.dialogues = dialogues
            self.consistent = consistent
            self.queryOutputs = queryOutputs
            self.system = system
            self.written = written
        }
    }
    public static let params = [
        ModelWire.model,
        ParamDoc("judgeModel", "The loaded model that judges consistency; default model.", Schema.string),
        RoleplayWire.character,
        ParamDoc("questions", "Questions to ask instead of simulating them.", Schema.array(Schema.string, minItems: 1, maxItems: 256)),
        ParamDoc("queries", "Questions about the character to simulate.", Schema.integer(minimum: 0, maximum: 64), default: 4),
        ParamDoc("contrastiveQueries", "Questions beyond the character's knowledge to simulate (Ditto's contrastive queries).",
                 Schema.integer(minimum: 0, maximum: 64), default: 1),
        ParamDoc("output", "A JSONL file to write the consistent dialogues to, as ShareGPT records.", Schema.string),
    ] + TextGenerate.sampling("maxTokens", "temperature", "topP", "seed") + [Schema.workDoneToken]
    public static let resultSchema: JSONValue? = Schema.object([
        "dialogues": Schema.array(Schema.object(
            ["question": Schema.string, "kind": Schema.enumeration(["character", "contrastive", "given"]), "answer": Schema.string,
             "check": RoleplayWire.checkSchema],
            required: ["question", "kind", "answer", "check"])),
        "consistent": Schema.integer, "queryOutputs": Schema.array(Schema.string), "system": Schema.string, "written": Schema.integer,
    ], required: ["dialogues", "consistent", "queryOutputs", "system"])
    public static let errors: [ErrorCode] = [.modelNotLoaded, .contextOverflow]
}

/// `roleplay/check`: only the judge: each question/answer of `dialogue` read against the
/// character's profile through the `judge` template, the verdict from the model's next-token
/// probabilities of A, B and C. Errors: -33000, -33002, -32602, -32800.
public enum RoleplayCheck: RPCMethod, DocumentedMethod {
    public static let name = "roleplay/check"
    public static let summary = "Judges whether each answer of a role-play dialogue is consistent with the character's profile (multiple choice)."
    public struct Params: Codable, Sendable {
        public var model: String
        public var character: RoleplayWire.Character
        public var dialogue: [RoleplayWire.Turn]
    }
    public struct Result: Codable, Sendable {
        public var checks: [RoleplayWire.Check]
        public var consistent: Int
        public init(checks: [RoleplayWire.Check], consistent: Int) {
            self.checks = checks
            self.consistent = consistent
        }
    }
    public static let params = [
        ParamDoc("model", "The loaded model that judges.", Schema.string, required: true),
        RoleplayWire.character,
        ParamDoc("dialogue", "The exchanges to judge.",
                 Schema.array(Schema.object(["question": Schema.string, "answer": Schema.string], required: ["question", "answer"]),
                              minItems: 1, maxItems: 1024), required: true),
        Schema.workDoneToken,
    ]
    public static let resultSchema: JSONValue? = Schema.object(
        ["checks": Schema.array(RoleplayWire.checkSchema), "consistent": Schema.integer], required: ["checks", "consistent"])
    public static let errors: [ErrorCode] = [.modelNotLoaded, .contextOverflow]
}

/// `roleplay/templates/list`: the four templates in use — edited ones from the store, built-in
/// ones elsewhere — with the placeholders each must and may use.
public enum RoleplayTemplatesList: RPCMethod, DocumentedMethod {
    public static let name = "roleplay/templates/list"
    public static let summary = "Lists the role-play prompt templates in use (edited or built-in) and their placeholders."
    public struct Params: Codable, Sendable {}
    public struct Result: Codable, Sendable {
        public var templates: [RoleplayWire.Template]
        public init(templates: [RoleplayWire.Template]) { self.templates = templates }
    }
    public static let params: [ParamDoc] = []
    public static let resultSchema: JSONValue? = Schema.object(["templates": Schema.array(RoleplayWire.templateSchema)],
                                                               required: ["templates"])
    public static let errors: [ErrorCode] = [.storeError]
}

/// `roleplay/templates/save`: stores an edited template text, used from then on by every daemon
/// sharing the store. `{{placeholder}}`s are checked: each the template must use, none it may not
/// (-32602 naming the first). The judge's options must keep meaning A consistent, B contradiction,
/// C out of character.
public enum RoleplayTemplatesSave: RPCMethod, DocumentedMethod {
    public static let name = "roleplay/templates/save"
    public static let summary = "Stores an edited role-play prompt template (placeholders checked)."
    public struct Params: Codable, Sendable {
        public var name: String
        public var template: String
    }
    public typealias Result = RoleplayWire.Template
    public static let params = [
        RoleplayWire.templateName,
        ParamDoc("template", "The template text, with {{placeholders}}.", ["type": "string", "minLength": 1, "maxLength": 65_536],
                 required: true),
    ]
    public static let resultSchema: JSONValue? = RoleplayWire.templateSchema
    public static let errors: [ErrorCode] = [.storeError]
}

/// `roleplay/templates/reset`: drops an edited template so the built-in text applies again.
public enum RoleplayTemplatesReset: RPCMethod, DocumentedMethod {
    public static let name = "roleplay/templates/reset"
    public static let summary = "Drops an edited role-play template; the built-in text applies again."
    public struct Params: Codable, Sendable {
        public var name: String
    }
    public typealias Result = RoleplayWire.Template
    public static let params = [RoleplayWire.templateName]
    public static let resultSchema: JSONValue? = RoleplayWire.templateSchema
    public static let errors: [ErrorCode] = [.storeError]
}
