import Foundation

/// A JSON number as its digits: `client_info` may carry ids of 20 digits, which a
/// `Double` would round, so what a client sent is what it gets back.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number in JSON's grammar, as sent or as written for a `Double`.
    public let literal: String
    /// The value, rounded to the nearest `Double` where the digits need more.
    public let doubleValue: Double

    /// A number read from JSON text; nil when it overflows a `Double` (`1e999`).
    init?(literal: String) {
        guard let value = Double(literal), value.isFinite else { return nil }
        self.literal = literal
        self.doubleValue = value
    }

    /// A whole number below 10^15 is written without a fraction (`30`, not `30.0`).
    public init(_ value: Double) {
        doubleValue = value
        literal = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    public var description: String { literal }
}

extension JSONNumber: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let integer = try? container.decode(Int64.self) {
            self.init(literal: String(integer))!
        } else if let decimal = try? container.decode(Decimal.self), decimal.isFinite,
            let number = JSONNumber(literal: "\(decimal)"), decimal == Decimal(string: "\(decimal)")
        {
            self = number
        } else {
            self.init(try container.decode(Double.self))
        }
    }

    /// Foundation's encoders write a `Decimal` with all its digits, an `Int64` exactly.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let integer = Int64(literal) {
            try container.encode(integer)
        } else if let decimal = Decimal(string: literal), !literal.contains(where: { $0 == "e" || $0 == "E" }),
            "\(decimal)" == literal
        {
            try container.encode(decimal)
        } else {
            try container.encode(doubleValue)
        }
    }
}
