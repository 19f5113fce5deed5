import Foundation
import MonitorDomain
import MonitorEngine
import MonitorStorage
import NIOCore
import ServiceLifecycle
import Synchronization

/// `GET /events`: what the store commits, as server-sent events, to every open page.
///
/// Each message is one JSON object on a `data:` line: `{"type": "run_started",
/// "job_id": "backup", "run_id": "…"}`. Types: `run_started` and `run_ended` (with
/// `job_id`, `run_id`, and `status` at the end); `alert_opened`, `alert_updated` (an open
/// incident grew), `alert_resolved` and `alert_acknowledged` (with `job_id`, `alert_id`,
/// `alert_type`); `jobs_changed`; `sync_recorded` (`sync_id`, `result`). A comment line every 15 seconds keeps proxies from closing an idle
/// stream; browsers reconnect by themselves after a drop (`retry: 2000`).
///
/// A `Service`: it sends what was published every ``flushInterval`` as one write per
/// stream, and at shutdown it ends every stream, so open pages never hold the server's
/// graceful shutdown.
///
/// Messages are coalesced because every ping publishes one: written one by one, 150
/// open pages cost 300 socket writes per start and end, and pings fell from 9,500 to
/// 1,000 a second (`scripts/bench-hostile`). A page gains nothing from more than ten
/// redraws a second.
public final class LiveEvents: Service, Sendable {
    private struct State {
        var next = 0
        var streams: [Int: AsyncStream<ByteBuffer>.Continuation] = [:]
        var closed = false
        /// Published since the last flush.
        var pending: ByteBuffer?
    }

    private let state = Mutex(State())
    /// Wakes the flushing loop when the first stream opens: with none, it sleeps.
    private let streamOpened = WakeSignal()
    private let keepAlive: Duration
    /// How often what was published is sent.
    let flushInterval: Duration
    /// Streams open at once; more are refused (503) until one ends.
    let streamLimit: Int

    public init(
        store: any MonitorStoring, keepAlive: Duration = .seconds(15), flushInterval: Duration = .milliseconds(100),
        streamLimit: Int = 256
    ) {
        self.keepAlive = keepAlive
        self.flushInterval = flushInterval
        self.streamLimit = streamLimit
        store.events.subscribe { [weak self] event in self?.publish(event) }
    }

    /// A new stream for one client; it ends when the client goes or the server stops,
    /// and nil when ``streamLimit`` streams are open.
    ///
    /// Publishing never waits for a reader: each stream buffers up to 256 flushes (25 s),
    /// and a client that falls that far behind is dropped (its browser reconnects and
    /// redraws the page), so clients that do not read cost the pings nothing.
    func stream() -> AsyncStream<ByteBuffer>? {
        let (stream, continuation) = AsyncStream.makeStream(of: ByteBuffer.self, bufferingPolicy: .bufferingOldest(256))
        var full = false
        let id = state.withLock { state -> Int? in
            if state.closed { return nil }
            if state.streams.count >= streamLimit {
                full = true
                return nil
            }
            state.next += 1
            state.streams[state.next] = continuation
            return state.next
        }
        if full { return nil }
        streamOpened.signal()
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.yield(ByteBuffer(string: "retry: 2000\n: connected\n\n"))
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.streams.removeValue(forKey: id) }
        }
        return stream
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            let clock = ContinuousClock()
            var lastKeepAlive = clock.now
            while !Task.isCancelled {
                // No page open: nothing is queued (publish drops it), so no tick either.
                if self.openStreams == 0 {
                    await self.streamOpened.wait(timeout: self.keepAlive)
                    continue
                }
                try? await Task.sleep(for: self.flushInterval)
                if Task.isCancelled { break }
                self.flush()
                if lastKeepAlive.duration(to: clock.now) >= self.keepAlive {
                    lastKeepAlive = clock.now
                    self.broadcast(ByteBuffer(string: ": keep-alive\n\n"))
                }
            }
        }
        let streams = state.withLock { state -> [AsyncStream<ByteBuffer>.Continuation] in
            state.closed = true
            defer { state.streams = [:] }
            return Array(state.streams.values)
        }
        for stream in streams { stream.finish() }
    }

    private func publish(_ event: StoreEvent) {
        // Every ping publishes; with no page open there is nothing to write.
        if state.withLock({ $0.streams.isEmpty }) { return }
        switch event {
        case .jobsChanged:
            send { $0.field("type", "jobs_changed") }
        case .runStarted(let run, _):
            send { json in
                json.field("type", "run_started")
                json.field("job_id", run.jobID)
                json.field("run_id", run.runID)
            }
        case .runEnded(let run):
            send { json in
                json.field("type", "run_ended")
                json.field("job_id", run.jobID)
                json.field("run_id", run.runID)
                json.field("status", run.status.rawValue)
            }
        case .alertsChanged(let changes):
            for change in changes {
                send { json in
                    json.field("type", "alert_\(change.change.rawValue)")
                    json.field("job_id", change.jobID)
                    if let channel = change.channel { json.field("channel", channel) }
                    json.field("alert_id", Int(change.alertID))
                    json.field("alert_type", change.kind.rawValue)
                }
            }
        case .syncRecorded(let record):
            send { json in
                json.field("type", "sync_recorded")
                json.field("sync_id", Int(record.id))
                json.field("result", record.result.rawValue)
            }
        case .deliveriesQueued, .clusterChanged:
            break
        }
    }

    /// Queues one event, a JSON object on a `data:` line, for the next flush.
    private func send(_ fields: (inout JSONWriter) -> Void) {
        var json = JSONWriter()
        json.object(fields)
        var body = json.buffer
        state.withLock { state in
            if state.pending == nil { state.pending = ByteBuffer() }
            state.pending!.writeString("data: ")
            state.pending!.writeBuffer(&body)
            state.pending!.writeString("\n\n")
        }
    }

    /// Sends what was published since the last flush to every stream, as one message.
    func flush() {
        if let pending = state.withLock({ state in
            defer { state.pending = nil }; return state.pending
        }) {
            broadcast(pending)
        }
    }

    private func broadcast(_ message: ByteBuffer) {
        for stream in state.withLock({ Array($0.streams.values) }) {
            if case .dropped = stream.yield(message) { stream.finish() }
        }
    }

    /// Streams open now.
    var openStreams: Int { state.withLock { $0.streams.count } }
}
