import Foundation

/// The one rule for an address Cronicle calls or links to: http or https, with a host.
public enum WebURL {
    /// `text` as a URL when it is http or https with a host, else nil.
    public static func parse(_ text: String) -> URL? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", url.host?.isEmpty == false
        else { return nil }
        return url
    }
}
