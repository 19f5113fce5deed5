import Foundation

/// One page of a list and the size of the whole list.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var page: PageRequest
    public var total: Int

    public init(items: [Item], page: PageRequest, total: Int) {
        self.items = items
        self.page = page
        self.total = total
    }
}
