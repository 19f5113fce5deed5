/// A document plan's counts, as a plan's summary line says them.
public struct DocumentCounts: Sendable {
    /// Whether the source has any such document.
    public var shown: Bool
    public var planned: String
    public var applied: String
    public var unchanged: Int
}
