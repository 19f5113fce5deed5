import Foundation

/// Shell-style patterns for job ids in a channel's `match.jobs`: `*` any run of
/// characters, `?` one, `[abc]` and `[a-z]` one of a set, anything else itself.
/// fnmatch(3) from the C library, without flags, so it means what it means in a shell.
public enum Glob {
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        fnmatch(pattern, text, 0) == 0
    }
}
