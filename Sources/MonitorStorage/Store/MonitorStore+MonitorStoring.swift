import Foundation
import MonitorDomain

extension MonitorStore: MonitorStoring {
    public var location: String { backend.location }

    public func describe(_ error: any Error) -> String {
        Self.describe(error)
    }
}
