// Fuzz target: the JSON-RPC message framer fed the input in chunks whose sizes come from the input,
// then every message body parsed as JSON (jansson) and, when it parses, serialized and parsed again.
import JSON
import JSONRPC

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFramer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let first = bytes.first else { return 0 }
    // The first byte picks the message limit and the chunk size, so small limits are exercised too.
    let limit = [16, 64, 1024, 1 << 20][Int(first & 3)]
    let chunk = Int(first >> 2) + 1
    let stream = bytes.dropFirst()
    var framer = MessageFramer(maxMessageBytes: limit)
    var bodies: [[UInt8]] = []
    let emit: (MessageFramer.Event) -> Void = { event in
        switch event {
        case .message(let body):
            precondition(body.count <= limit, "a message larger than the limit was emitted")
            bodies.append(body)
        case .framingDetected, .malformedHeader, .tooLarge, .truncated:
            break
        }
    }
    var index = stream.startIndex
    while index < stream.endIndex {
        let end = min(index + chunk, stream.endIndex)
        framer.feed(stream[index..<end], emit: emit)
        index = end
    }
    framer.finish(emit: emit)
    // Whole input as one JSON document too, so the parser sees bytes the framer would have split.
    bodies.append(Array(stream))
    for body in bodies {
        guard let value = try? JSONValue.parse(body) else { continue }
        let text = value.serialized()
        let again = try? JSONValue.parse(text)
        precondition(again != nil, "serialized JSON does not parse again: \(String(decoding: text, as: UTF8.self))")
    }
    return 0
}
