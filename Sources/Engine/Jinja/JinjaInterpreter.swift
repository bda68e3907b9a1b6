import Foundation

/// Runs parsed statements against a context. Scoping follows Jinja2: `for` bodies and macros
/// get their own scope (a `set` inside a loop is gone after it, hence `namespace`), `if` does not.
/// Every loop iteration, output byte and level of recursion counts against `JinjaLimits`.
final class JinjaInterpreter {
    enum Flow { case normal, breakLoop, continueLoop }

    private var scopes: [[String: JinjaValue]]
    let limits: JinjaLimits
    private var depth = 0
    private var iterations = 0
    private var emitted = 0
    /// The bodies of enclosing `{% call %}` blocks, for `caller()`.
    private var callers: [[JinjaStatement]] = []
    /// The local date and time, for `strftime_now`.
    let now: @Sendable () -> DateComponents

    init(context: [String: JinjaValue], limits: JinjaLimits,
         now: @escaping @Sendable () -> DateComponents) {
        var globals: [String: JinjaValue] = [:]
        for name in JinjaInterpreter.globalFunctions { globals[name] = .function(name) }
        scopes = [globals.merging(context) { $1 }]
        self.limits = limits
        self.now = now
    }

    static let globalFunctions = ["range", "namespace", "raise_exception", "strftime_now", "dict"]

    func render(_ body: [JinjaStatement]) throws(JinjaError) -> String {
        var out = ""
        _ = try execute(body, into: &out)
        return out
    }

    // MARK: Scopes

    func lookup(_ name: String) -> JinjaValue {
        for scope in scopes.reversed() {
            if let value = scope[name] { return value }
        }
        return .undefined(hint: "'\(name)' is undefined")
    }

    private func assign(_ name: String, _ value: JinjaValue) {
        scopes[scopes.count - 1][name] = value
    }

    func enter() throws(JinjaError) {
        depth += 1
        if depth > limits.maxDepth { throw .limit("recursion deeper than \(limits.maxDepth) levels") }
    }

    func leave() { depth -= 1 }

    func countIterations(_ n: Int) throws(JinjaError) {
        iterations += n
        if iterations > limits.maxIterations { throw .limit("more than \(limits.maxIterations) loop iterations") }
    }

    func checkSize(_ count: Int) throws(JinjaError) {
        if count > limits.maxOutputBytes { throw .limit("a value longer than \(limits.maxOutputBytes) bytes") }
    }

    private func write(_ text: String, into out: inout String) throws(JinjaError) {
        emitted += text.utf8.count
        if emitted > limits.maxOutputBytes { throw .limit("output longer than \(limits.maxOutputBytes) bytes") }
        out += text
    }

    // MARK: Statements

    func execute(_ body: [JinjaStatement], into out: inout String) throws(JinjaError) -> Flow {
        try enter()
        defer { leave() }
        for statement in body {
            switch statement {
            case .text(let text):
                try write(text, into: &out)
            case .output(let expression):
                try write(try evaluate(expression).text, into: &out)
            case .ifChain(let branches, let otherwise):
                var taken = false
                for branch in branches where try evaluate(branch.condition).isTruthy {
                    taken = true
                    let flow = try execute(branch.body, into: &out)
                    if flow != .normal { return flow }
                    break
                }
                if !taken {
                    let flow = try execute(otherwise, into: &out)
                    if flow != .normal { return flow }
                }
            case .forLoop(let targets, let iterable, let filter, let loopBody, let otherwise):
                try runLoop(targets: targets, iterable: iterable, filter: filter, body: loopBody, otherwise: otherwise, into: &out)
            case .set(let target, let value):
                try runSet(target, try evaluate(value))
            case .setBlock(let name, let blockBody):
                var captured = ""
                _ = try execute(blockBody, into: &captured)
                assign(name, .string(captured))
            case .macro(let macro):
                assign(macro.name, .macro(macro))
            case .callBlock(let call, let callerBody):
                callers.append(callerBody)
                defer { callers.removeLast() }
                try write(try evaluate(call).text, into: &out)
            case .filterBlock(let name, let arguments, let filterBody):
                var captured = ""
                _ = try execute(filterBody, into: &captured)
                let args = try arguments.map { (e) throws(JinjaError) in try evaluate(e) }
                try write(try applyFilter(name, .string(captured), args, [:]).text, into: &out)
            case .breakLoop:
                return .breakLoop
            case .continueLoop:
                return .continueLoop
            }
        }
        return .normal
    }

    private func runSet(_ target: JinjaAssignTarget, _ value: JinjaValue) throws(JinjaError) {
        switch target {
        case .name(let name):
            assign(name, value)
        case .names(let names):
            let items = try iterate(value)
            guard items.count == names.count else {
                throw .runtime("cannot unpack \(items.count) values into \(names.count) names")
            }
            for (name, item) in zip(names, items) { assign(name, item) }
        case .attribute(let object, let name):
            guard case .namespace(let namespace) = lookup(object) else {
                throw .runtime("cannot assign attribute on non-namespace object")
            }
            namespace.values[name] = value
        }
    }

    private func runLoop(targets: [String], iterable: JinjaExpression, filter: JinjaExpression?, body: [JinjaStatement],
                         otherwise: [JinjaStatement], into out: inout String) throws(JinjaError) {
        var items = try iterate(try evaluate(iterable))
        if let filter {
            var kept: [JinjaValue] = []
            for item in items {
                try countIterations(1)
                scopes.append([:])
                bind(targets, item)
                let keep = try evaluate(filter).isTruthy
                scopes.removeLast()
                if keep { kept.append(item) }
            }
            items = kept
        }
        if items.isEmpty {
            _ = try execute(otherwise, into: &out)
            return
        }
        let count = items.count
        for (index, item) in items.enumerated() {
            try countIterations(1)
            let loop: JinjaDict = JinjaDict([
                ("index", .int(index + 1)), ("index0", .int(index)),
                ("revindex", .int(count - index)), ("revindex0", .int(count - index - 1)),
                ("first", .bool(index == 0)), ("last", .bool(index == count - 1)), ("length", .int(count)),
                ("previtem", index > 0 ? items[index - 1] : .undefined(hint: "there is no previous item")),
                ("nextitem", index + 1 < count ? items[index + 1] : .undefined(hint: "there is no next item")),
                ("depth", .int(1)), ("depth0", .int(0)),
            ])
            scopes.append(["loop": .dict(loop)])
            bind(targets, item)
            let flow: Flow
            do {
                flow = try execute(body, into: &out)
            } catch {
                scopes.removeLast()
                throw error
            }
            scopes.removeLast()
            if flow == .breakLoop { break }
        }
    }

    private func bind(_ targets: [String], _ item: JinjaValue) {
        if targets.count == 1 {
            assign(targets[0], item)
            return
        }
        let parts: [JinjaValue]
        switch item {
        case .list(let l): parts = l
        case .string(let s): parts = s.map { .string(String($0)) }
        default: parts = []
        }
        for (i, name) in targets.enumerated() {
            assign(name, i < parts.count ? parts[i] : .undefined(hint: "cannot unpack into '\(name)'"))
        }
    }

    /// The items a `for` loop visits: list items, dict keys, string characters.
    func iterate(_ value: JinjaValue) throws(JinjaError) -> [JinjaValue] {
        switch value {
        case .list(let l): return l
        case .dict(let d): return d.keys.map { .string($0) }
        case .string(let s): return s.unicodeScalars.map { .string(String($0)) }
        case .undefined: return []
        case .namespace(let n): return n.values.keys.map { .string($0) }
        default: throw .runtime("'\(value.typeName)' object is not iterable")
        }
    }

    // MARK: Calls

    func callMacro(_ macro: JinjaMacro, _ positional: [JinjaValue], _ keyword: [String: JinjaValue]) throws(JinjaError) -> JinjaValue {
        try enter()
        defer { leave() }
        var frame: [String: JinjaValue] = [:]
        let saved = scopes
        scopes = [scopes[0], frame]
        defer { scopes = saved }
        for (i, parameter) in macro.parameters.enumerated() {
            if i < positional.count {
                frame[parameter.name] = positional[i]
            } else if let value = keyword[parameter.name] {
                frame[parameter.name] = value
            } else if let defaultValue = parameter.defaultValue {
                frame[parameter.name] = try evaluate(defaultValue)
            } else {
                frame[parameter.name] = .undefined(hint: "'\(parameter.name)' is undefined")
            }
            scopes[1] = frame
        }
        let names = Set(macro.parameters.map(\.name))
        frame["varargs"] = .list(Array(positional.dropFirst(macro.parameters.count)))
        frame["kwargs"] = .dict(JinjaDict(keyword.filter { !names.contains($0.key) }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
        if let callerBody = callers.last {
            frame["caller"] = .macro(JinjaMacro(name: "caller", parameters: [], body: callerBody))
        }
        scopes[1] = frame
        var out = ""
        _ = try execute(macro.body, into: &out)
        return .string(out)
    }
}

/// Bounds that keep a hostile template from exhausting the stack, the CPU or memory.
package struct JinjaLimits: Sendable {
    /// Nesting of statements and expressions while parsing, and of bodies and macro calls while rendering.
    package var maxDepth = 100
    /// Loop iterations (and `range` lengths) in one render, all loops together.
    package var maxIterations = 100_000
    /// Bytes of output, and of any one string value.
    package var maxOutputBytes = 4 << 20

    package init() {}
}
