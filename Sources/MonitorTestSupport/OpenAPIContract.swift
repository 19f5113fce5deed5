import Foundation
import MonitorDomain
import MonitorHTTP

/// Holds every answer a test receives to the server's own `/openapi.json`: the status must
/// be one the operation lists, the content type one it names, and a JSON body must match
/// the schema. ``LiveMonitor/request(_:_:json:body:headers:)`` and the end-to-end tests'
/// ``ContractClient`` call ``check(method:path:status:contentType:body:)`` on every
/// response, so a field, a status or an error code the document does not describe fails
/// the test that met it.
///
/// It reads the subset of JSON Schema the document uses: `$ref`, `type` (one or a list),
/// `enum`, `properties`, `required`, `additionalProperties`, `items`, `oneOf`, `pattern`,
/// `minimum`, `maximum`, `minLength` and the `date-time` format.
public struct OpenAPIContract: Sendable {
    /// The contract of this build's server: the document `GET /openapi.json` serves.
    public static let server: OpenAPIContract = {
        // The document is produced by the server's own code; a parse failure is a bug there.
        try! OpenAPIContract(document: JSONValue(parsing: OpenAPIDocument.json))
    }()

    /// What an answer did that the document does not allow, with where in the body.
    public struct Violation: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    private let document: [String: JSONValue]
    /// Documented paths split into segments; `{name}` segments match any one segment.
    private let templates: [(path: String, segments: [Substring])]

    public init(document: JSONValue) throws {
        guard case .object(let document) = document, case .object(let paths)? = document["paths"] else {
            throw Violation(description: "the OpenAPI document has no paths")
        }
        self.document = document
        templates = paths.keys.sorted().map { ($0, $0.split(separator: "/")) }
    }

    /// Checks one exchange. `path` may carry a query, which is ignored.
    /// Checks a JSON document the server sends elsewhere (a webhook's body) against the
    /// schema `name` of the document's components.
    public func check(_ body: Data, isA name: String) throws(Violation) {
        try checkJSON(body, against: .object(["$ref": .string("#/components/schemas/\(name)")]), name)
    }

    public func check(method: String, path: String, status: Int, contentType: String?, body: Data) throws(Violation) {
        let method = method.lowercased()
        let route = String(path.prefix { $0 != "?" })
        let answer = "\(method.uppercased()) \(route) answered \(status)"
        guard let template = template(for: route),
            case .object(let operations)? = paths[template],
            case .object(let operation)? = operations[method == "head" ? "get" : method]
        else {
            // Unknown routes and methods answer 404 or 405 in the error envelope.
            guard status == 404 || status == 405 else {
                throw Violation(description: "\(answer), but the document has no such operation")
            }
            if method != "head" {
                try checkJSON(body, against: .object(["$ref": "#/components/schemas/Error"]), answer)
            }
            return
        }
        guard case .object(let responses)? = operation["responses"],
            case .object(let response)? = responses[String(status)] ?? responses["default"]
        else {
            throw Violation(description: "\(answer), which the document does not list for \(template)")
        }
        guard case .object(let content)? = response["content"] else {
            guard body.isEmpty else {
                throw Violation(description: "\(answer) with a body the document does not describe")
            }
            return
        }
        let mediaType = (contentType ?? "").split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        guard let mediaType, let media = content[mediaType] else {
            throw Violation(
                description: "\(answer) as \(contentType ?? "no content type"); the document names "
                    + content.keys.sorted().joined(separator: ", "))
        }
        guard method != "head", mediaType == "application/json", case .object(let media) = media,
            let schema = media["schema"]
        else { return }
        try checkJSON(body, against: schema, answer)
    }

    private var paths: [String: JSONValue] {
        if case .object(let paths)? = document["paths"] { paths } else { [:] }
    }

    /// The documented path a request path is served by: a literal segment beats a `{name}`.
    private func template(for path: String) -> String? {
        let segments = path.split(separator: "/")
        let candidates = templates.filter { template in
            template.segments.count == segments.count
                && zip(template.segments, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
        return candidates.max { literalCount($0.segments) < literalCount($1.segments) }?.path
    }

    private func literalCount(_ segments: [Substring]) -> Int { segments.count { !$0.hasPrefix("{") } }

    private func checkJSON(_ body: Data, against schema: JSONValue, _ answer: String) throws(Violation) {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: body)
        } catch {
            throw Violation(description: "\(answer) with a body that is not JSON: \(error.message)")
        }
        let problems = problems(value, schema, at: "")
        if !problems.isEmpty {
            throw Violation(
                description: "\(answer) with a body the document does not allow:\n  "
                    + problems.prefix(10).joined(separator: "\n  ") + "\nbody: "
                    + String(decoding: body.prefix(2_000), as: UTF8.self))
        }
    }

    /// Every way `value` breaks `schema`, each prefixed with its JSON pointer.
    func problems(_ value: JSONValue, _ schema: JSONValue, at pointer: String) -> [String] {
        guard case .object(var schema) = schema else { return [] }
        if case .string(let reference)? = schema["$ref"] {
            guard let resolved = resolve(reference) else { return ["\(pointer): unknown $ref \(reference)"] }
            guard case .object(let resolvedSchema) = resolved else { return [] }
            schema = resolvedSchema
        }
        let place = pointer.isEmpty ? "(the body)" : pointer
        if case .array(let choices)? = schema["oneOf"] {
            let matching = choices.filter { problems(value, $0, at: pointer).isEmpty }
            if matching.count != 1 {
                return ["\(place): \(value.kind) matches \(matching.count) of the \(choices.count) schemas in oneOf"]
            }
        }
        if let types = schema["type"].map(Self.typeNames), !types.contains(where: { Self.value(value, is: $0) }) {
            return ["\(place): \(value.kind), where the document says \(types.joined(separator: " or "))"]
        }
        if case .array(let allowed)? = schema["enum"], !allowed.contains(value) {
            return ["\(place): \(Self.text(value)) is not one of \(allowed.map(Self.text).joined(separator: ", "))"]
        }
        switch value {
        case .object(let object): return problems(object: object, schema, at: pointer)
        case .array(let items):
            guard let itemSchema = schema["items"] else { return [] }
            return items.enumerated().flatMap { problems($1, itemSchema, at: "\(pointer)/\($0)") }
        case .string(let string): return problems(string: string, schema, at: place)
        case .number(let number):
            var found: [String] = []
            if let minimum = schema["minimum"]?.doubleValue, number.doubleValue < minimum {
                found.append("\(place): \(number) is below the minimum \(minimum)")
            }
            if let maximum = schema["maximum"]?.doubleValue, number.doubleValue > maximum {
                found.append("\(place): \(number) is above the maximum \(maximum)")
            }
            return found
        case .null, .bool: return []
        }
    }

    private func problems(object: [String: JSONValue], _ schema: [String: JSONValue], at pointer: String) -> [String] {
        var found: [String] = []
        let properties: [String: JSONValue]
        if case .object(let declared)? = schema["properties"] { properties = declared } else { properties = [:] }
        if case .array(let required)? = schema["required"] {
            for case .string(let key) in required where object[key] == nil {
                found.append("\(pointer)/\(key): missing, and the document requires it")
            }
        }
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            if let propertySchema = properties[key] {
                found += problems(value, propertySchema, at: "\(pointer)/\(key)")
            } else if schema["additionalProperties"] == .bool(false) {
                found.append("\(pointer)/\(key): a field the document does not list")
            } else if let additional = schema["additionalProperties"], case .object = additional {
                found += problems(value, additional, at: "\(pointer)/\(key)")
            }
        }
        return found
    }

    private func problems(string: String, _ schema: [String: JSONValue], at place: String) -> [String] {
        var found: [String] = []
        if let minimum = schema["minLength"]?.doubleValue, Double(string.count) < minimum {
            found.append("\(place): shorter than \(Int(minimum)) characters")
        }
        if case .string(let pattern)? = schema["pattern"], string.range(of: pattern, options: .regularExpression) == nil
        {
            found.append("\(place): \(Self.text(.string(string))) does not match \(pattern)")
        }
        if schema["format"] == .string("date-time"),
            string.range(
                of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"#, options: .regularExpression)
                == nil
        {
            found.append("\(place): \(Self.text(.string(string))) is not an RFC 3339 date-time")
        }
        return found
    }

    /// `#/components/schemas/Name` and any other local pointer.
    private func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#/") else { return nil }
        var node = JSONValue.object(document)
        for key in reference.dropFirst(2).split(separator: "/") {
            guard case .object(let object) = node, let next = object[String(key)] else { return nil }
            node = next
        }
        return node
    }

    private static func typeNames(_ type: JSONValue) -> [String] {
        switch type {
        case .string(let name): [name]
        case .array(let names): names.compactMap { if case .string(let name) = $0 { name } else { nil } }
        default: []
        }
    }

    private static func value(_ value: JSONValue, is type: String) -> Bool {
        switch (value, type) {
        case (.null, "null"), (.bool, "boolean"), (.string, "string"), (.array, "array"), (.object, "object"),
            (.number, "number"):
            true
        case (.number(let number), "integer"): number.doubleValue.rounded() == number.doubleValue
        default: false
        }
    }

    private static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let string): "\"\(string)\""
        case .number(let number): number.literal
        case .bool(let bool): String(bool)
        case .null: "null"
        default: value.kind
        }
    }
}
