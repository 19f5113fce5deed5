import ArgumentParser
import Logging

/// `--log-level` in both executables takes exactly swift-log's levels, and a wrong one
/// is refused with the list, never silently read as `info`.
extension Logger.Level: @retroactive ExpressibleByArgument {}
