import Logging
import MonitorDomain
import MonitorEngine
import MonitorStorage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process's limit on open files, raised at start-up as Go and nginx do: Debian's
/// default soft limit of 1,024 would end connections long before the connection limit.
enum FileDescriptorLimit {
    static func raiseToHardLimit(logger: Logger) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        let before = limit.rlim_cur
        limit.rlim_cur = limit.rlim_max
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) != 0 {
            logger.notice("could not raise the open-file limit from \(before)")
        }
    }
}
