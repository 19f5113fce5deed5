/// Writes the API's JSON responses straight into bytes.
///
/// Hand-written because `JSONEncoder` was an eighth of the server's CPU per ping;
/// this does the same job for the few shapes the API answers with.
///
/// ```swift
/// var json = JSONWriter()
/// json.object { json in
///     json.field("job_id", "backup")
///     json.field("tags") { json in json.array(["a", "b"]) { json, tag in json.string(tag) } }
/// }
/// json.bytes   // {"job_id":"backup","tags":["a","b"]}
/// ```
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// Whether the next field or element is the first of its container (no comma before it).
    private var first = true

    init() {
        bytes.reserveCapacity(512)
    }

    mutating func object(_ body: (inout JSONWriter) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        let saved = first
        first = true
        body(&self)
        first = saved
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func array<Items: Sequence>(_ items: Items, _ write: (inout JSONWriter, Items.Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        var index = 0
        for item in items {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            let saved = first
            write(&self, item)
            first = saved
            index += 1
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Starts a field; the value written next is its value.
    mutating func key(_ name: String) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func field(_ name: String, _ value: String?) {
        key(name)
        string(value)
    }

    mutating func field(_ name: String, _ value: Double?) {
        key(name)
        number(value)
    }

    mutating func field(_ name: String, _ value: Int?) {
        key(name)
        if let value { bytes.append(contentsOf: String(value).utf8) } else { null() }
    }

    mutating func field(_ name: String, _ value: Bool) {
        key(name)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func field(_ name: String, _ value: (inout JSONWriter) -> Void) {
        key(name)
        value(&self)
    }

    mutating func null() {
        bytes.append(contentsOf: "null".utf8)
    }

    mutating func number(_ value: Double?) {
        guard let value, value.isFinite else { return null() }
        if value == value.rounded(), abs(value) < 1e15 {
            bytes.append(contentsOf: String(Int64(value)).utf8)
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    mutating func string(_ value: String?) {
        guard let value else { return null() }
        bytes.append(UInt8(ascii: "\""))
        // Most strings (ids, timestamps, statuses) need no escape: copy them whole.
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            bytes.append(contentsOf: value.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)],
                    hex[Int(byte & 0x0F)],
                ])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Any JSON value, such as a run's `client_info` as its client sent it; object keys sorted.
    mutating func value(_ value: JSONValue?) {
        switch value {
        case nil, .null?: null()
        case .bool(let flag)?: bytes.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number)?: self.number(number)
        case .string(let text)?: string(text)
        case .array(let items)?: array(items) { json, item in json.value(item) }
        case .object(let fields)?:
            object { json in
                for (name, item) in fields.sorted(by: { $0.key < $1.key }) {
                    json.key(name)
                    json.value(item)
                }
            }
        }
    }
}
