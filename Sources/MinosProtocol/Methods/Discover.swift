import JSON
import JSONRPC

/// `rpc.discover`: returns the OpenRPC 1.x document describing every method (the same document as
/// protocol/minos.openrpc.json).
public enum Discover: RPCMethod, DocumentedMethod {
    public static let name = "rpc.discover"
    public static let summary = "Returns the OpenRPC document that describes every method."
    public typealias Params = NoParams
    public typealias Result = JSONValue
    public static let params: [ParamDoc] = []
    public static let resultSchema: JSONValue? = ["$ref": "https://raw.githubusercontent.com/open-rpc/meta-schema/master/schema.json"]
}
