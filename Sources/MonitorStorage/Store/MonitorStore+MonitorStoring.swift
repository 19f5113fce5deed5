import Foundation
import MonitorDomain

extension MonitorStore: MonitorStoring {
    public var location: String { path }

    public func describe(_ error: any Error) -> String {
        Self.describe(error)
    }
}
