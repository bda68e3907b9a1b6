import Foundation

/// The Python methods templates call on strings, lists and dicts, and the global functions
/// (`range`, `namespace`, `dict`, `raise_exception`, transformers' `strftime_now`). Mutating
/// methods (`append`, `pop`, `update`) are refused, as transformers' ImmutableSandboxedEnvironment does.
extension JinjaInterpreter {
    func callMethod(_ object: JinjaValue, _ name: String, _ args: [JinjaValue], _ kwargs: [String: JinjaValue]) throws(JinjaError) -> JinjaValue {
        func arg(_ index: Int, _ key: String) -> JinjaValue? {
            let v = index < args.count ? args[index] : kwargs[key]
            if case .none? = v { return nil }
            return v
        }
        func unknown() -> JinjaError { .runtime("'\(object.typeName) object' has no method '\(name)'") }
        switch object {
        case .undefined(let hint):
            throw .runtime("\(hint) (calling .\(name)())")
        case .string(let s):
            switch name {
            case "strip": return .string(JinjaText.strip(s, arg(0, "chars")?.text, leading: true, trailing: true))
            case "lstrip": return .string(JinjaText.strip(s, arg(0, "chars")?.text, leading: true, trailing: false))
            case "rstrip": return .string(JinjaText.strip(s, arg(0, "chars")?.text, leading: false, trailing: true))
            case "split": return .list(JinjaText.split(s, arg(0, "sep")?.text, maxSplit: arg(1, "maxsplit")?.integer ?? -1).map { .string($0) })
            case "splitlines": return .list(JinjaText.splitLines(s).map { .string($0) })
            case "upper": return .string(s.uppercased())
            case "lower": return .string(s.lowercased())
            case "title": return .string(JinjaText.title(s))
            case "capitalize": return .string(JinjaText.capitalize(s))
            case "replace":
                guard let old = arg(0, "old"), let new = arg(1, "new") else { throw .runtime("replace() needs two arguments") }
                let result = JinjaText.replace(s, old.text, new.text, count: arg(2, "count")?.integer ?? -1)
                try checkSize(result.utf8.count)
                return .string(result)
            case "startswith", "endswith":
                guard let affix = arg(0, "prefix") ?? arg(0, "suffix") else { throw .runtime("\(name)() needs an argument") }
                let candidates: [JinjaValue]
                if case .list(let l) = affix { candidates = l } else { candidates = [affix] }
                return .bool(candidates.contains { candidate in
                    name == "startswith" ? JinjaText.hasPrefix(s, candidate.text) : JinjaText.hasSuffix(s, candidate.text)
                })
            case "find", "index", "count":
                guard let needle = arg(0, "sub")?.text else { throw .runtime("\(name)() needs an argument") }
                let scalars = Array(s.unicodeScalars), target = Array(needle.unicodeScalars)
                if name == "count" {
                    guard !target.isEmpty else { return .int(scalars.count + 1) }
                    var n = 0, from = 0
                    while let at = JinjaText.find(target, in: scalars, from: from) { n += 1; from = at + target.count }
                    return .int(n)
                }
                if let at = JinjaText.find(target, in: scalars) { return .int(at) }
                if name == "index" { throw .runtime("substring not found") }
                return .int(-1)
            case "join":
                guard let items = arg(0, "iterable") else { throw .runtime("join() needs an argument") }
                return .string(try iterate(items).map(\.text).joined(separator: s))
            case "isdigit": return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.numericType == .decimal })
            case "isalpha": return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.isAlphabetic })
            case "isspace": return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy(JinjaText.isSpace))
            case "islower": return .bool(s.lowercased() == s && s.uppercased() != s)
            case "isupper": return .bool(s.uppercased() == s && s.lowercased() != s)
            default: throw unknown()
            }
        case .dict(let d):
            switch name {
            case "items": return .list(d.entries.map { .list([.string($0.key), $0.value]) })
            case "keys": return .list(d.keys.map { .string($0) })
            case "values": return .list(d.entries.map(\.value))
            case "get":
                guard let key = args.first else { throw .runtime("get() needs a key") }
                let fallback = args.count > 1 ? args[1] : (kwargs["default"] ?? .none)
                guard case .string(let k) = key else { return fallback }
                return d[k] ?? fallback
            default: throw unknown()
            }
        case .list(let l):
            switch name {
            case "index":
                guard let x = args.first, let at = l.firstIndex(where: { $0.equals(x) }) else { throw .runtime("value is not in list") }
                return .int(at)
            case "count":
                guard let x = args.first else { throw .runtime("count() needs an argument") }
                return .int(l.filter { $0.equals(x) }.count)
            default: throw unknown()
            }
        default:
            throw unknown()
        }
    }

    func callGlobal(_ name: String, _ args: [JinjaValue], _ kwargs: [String: JinjaValue]) throws(JinjaError) -> JinjaValue {
        switch name {
        case "raise_exception":
            throw .raised(args.first?.text ?? kwargs["message"]?.text ?? "")
        case "range":
            let ints = args.compactMap(\.integer)
            guard ints.count == args.count, (1...3).contains(ints.count) else { throw .runtime("range() takes 1 to 3 integers") }
            let start = ints.count == 1 ? 0 : ints[0]
            let stop = ints.count == 1 ? ints[0] : ints[1]
            let step = ints.count == 3 ? ints[2] : 1
            guard step != 0 else { throw .runtime("range() step must not be zero") }
            let length = step > 0 ? (stop > start ? (stop - start - 1) / step + 1 : 0) : (start > stop ? (start - stop - 1) / -step + 1 : 0)
            guard length <= limits.maxIterations else { throw .limit("range() longer than \(limits.maxIterations)") }
            try countIterations(length)
            return .list(Array(stride(from: start, to: stop, by: step)).map { .int($0) })
        case "namespace", "dict":
            var values = JinjaDict()
            if case .dict(let initial)? = args.first { values = initial }
            for key in kwargs.keys.sorted() { values[key] = kwargs[key] }
            return name == "dict" ? .dict(values) : .namespace(JinjaNamespace(values))
        case "strftime_now":
            return .string(Self.strftime(args.first?.text ?? "", now()))
        default:
            throw .runtime("'\(name)' is not callable")
        }
    }

    /// Python's `strftime` for the codes chat templates use (C locale).
    static func strftime(_ format: String, _ t: DateComponents) -> String {
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        let days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
        func two(_ v: Int?) -> String { let v = v ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        let month = months[max(0, min(11, (t.month ?? 1) - 1))]
        let day = days[max(0, min(6, (t.weekday ?? 1) - 1))]
        var out = ""
        var percent = false
        for c in format {
            guard percent else {
                if c == "%" { percent = true } else { out.append(c) }
                continue
            }
            percent = false
            switch c {
            case "d": out += two(t.day)
            case "m": out += two(t.month)
            case "Y": out += String(t.year ?? 0)
            case "y": out += two((t.year ?? 0) % 100)
            case "b": out += String(month.prefix(3))
            case "B": out += month
            case "a": out += String(day.prefix(3))
            case "A": out += day
            case "H": out += two(t.hour)
            case "I": out += two(((t.hour ?? 0) + 11) % 12 + 1)
            case "p": out += (t.hour ?? 0) < 12 ? "AM" : "PM"
            case "M": out += two(t.minute)
            case "S": out += two(t.second)
            case "%": out += "%"
            default: out += "%" + String(c)
            }
        }
        return out
    }
}
