import Foundation
import MonitorDomain
import NIOCore
import PostgresNIO

/// An instant as a `timestamptz` to the millisecond, as the store keeps every instant
/// (``Timestamp/stored(_:)``). postgres-nio's own `Date` coding goes through a `Double` of
/// microseconds and truncates, so `.123` came back as `.122999`: what a write returns
/// must equal what a read gives, so this counts whole microseconds from whole milliseconds.
struct PostgresInstant: PostgresNonThrowingEncodable, PostgresDecodable {
    /// PostgreSQL counts from 2000-01-01 00:00 UTC.
    static let epochOffsetMilliseconds: Int64 = 946_684_800_000

    let milliseconds: Int64

    init(_ date: Date) { milliseconds = Int64(Timestamp.milliseconds(date)) }

    var date: Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(
        into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) {
        byteBuffer.writeInteger((milliseconds - Self.epochOffsetMilliseconds) * 1000)
    }

    init<JSONDecoder: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat,
        context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        guard type == .timestamptz || type == .timestamp, format == .binary, buffer.readableBytes == 8,
            let microseconds = buffer.readInteger(as: Int64.self)
        else { throw PostgresDecodingError.Code.typeMismatch }
        // Instants PostgreSQL made itself (now()) have microseconds: rounded to the
        // millisecond, as Timestamp.milliseconds rounds.
        let (quotient, remainder) = microseconds.quotientAndRemainder(dividingBy: 1000)
        let rounded = quotient + (remainder >= 500 ? 1 : remainder < -500 ? -1 : 0)
        milliseconds = rounded + Self.epochOffsetMilliseconds
    }
}
