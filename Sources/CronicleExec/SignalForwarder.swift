import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Passes the signals a supervisor sends `cronicle exec` on to the command, so stopping the
/// job stops the command and exec lives on to send the end ping.
///
/// The forwarded signals (``forwarded``) are ignored by exec itself and watched with
/// dispatch sources; the child starts with default dispositions (swift-subprocess resets
/// them), so it reacts to each signal as it would without exec. A signal that arrives before
/// the child exists is kept and delivered as soon as it does.
///
/// ```swift
/// let forwarder = SignalForwarder()
/// forwarder.attach(to: pid)   // once the child runs
/// forwarder.detach()          // before the child is reaped, so its pid is never reused
/// ```
final class SignalForwarder: Sendable {
    /// SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2.
    static let forwarded: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2]

    private enum Child {
        case notYet(pending: [Int32])
        case running(pid_t)
        case gone
    }

    private let child = Mutex(Child.notYet(pending: []))
    private let sources: Mutex<[any DispatchSourceSignal]>
    private let received = Mutex<[Int32]>([])

    init() {
        let queue = DispatchQueue(label: "cronicle-exec.signals")
        var sources: [any DispatchSourceSignal] = []
        for number in Self.forwarded {
            signal(number, SIG_IGN)
            sources.append(DispatchSource.makeSignalSource(signal: number, queue: queue))
        }
        self.sources = Mutex(sources)
        self.sources.withLock { sources in
            for (number, source) in zip(Self.forwarded, sources) {
                source.setEventHandler { [weak self] in self?.deliver(number) }
                source.resume()
            }
        }
    }

    /// Signals received so far, in order, for the client info and tests.
    var signalsReceived: [Int32] { received.withLock { $0 } }

    /// Starts forwarding to `pid`, first the signals that came while it was starting.
    func attach(to pid: pid_t) {
        let pending = child.withLock { state -> [Int32] in
            guard case .notYet(let pending) = state else { return [] }
            state = .running(pid)
            return pending
        }
        for number in pending { kill(pid, number) }
    }

    /// Stops forwarding: the child has exited (or never started).
    func detach() {
        child.withLock { $0 = .gone }
    }

    private func deliver(_ number: Int32) {
        received.withLock { $0.append(number) }
        child.withLock { state in
            switch state {
            case .notYet(let pending): state = .notYet(pending: pending + [number])
            // Under the lock, so detach() cannot slip between the check and the kill.
            case .running(let pid): kill(pid, number)
            case .gone: break
            }
        }
    }

    deinit {
        sources.withLock { sources in sources.forEach { $0.cancel() } }
    }
}
