import Foundation

/// Which page of a list, numbered from 1.
public struct PageRequest: Sendable, Hashable {
    public static let maximumPerPage = 500
    public var page: Int
    public var perPage: Int

    public init(page: Int = 1, perPage: Int = 10) {
        self.page = page
        self.perPage = perPage
    }

    /// Rows before the page.
    public var offset: Int { (page - 1) * perPage }
}
