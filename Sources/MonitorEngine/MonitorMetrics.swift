import CronicleBuildInfo
import Foundation
import MonitorDomain
import Prometheus
import Synchronization

/// The monitor's own counters and histograms: pings recorded, the alert engine's
/// detection lag, notification attempts, the build. `GET /metrics` exports them after
/// the jobs' series (DESIGN 13).
///
/// They count what this process saw since it started, as Prometheus expects of a
/// counter (`rate()` reads a restart as a reset). One instance is shared by the API, the
/// alert engine and the notification sender of one server:
///
/// ```swift
/// let metrics = MonitorMetrics()
/// let engine = AlertEngine(store: store, metrics: metrics)
/// var exposition: [UInt8] = []
/// metrics.emit(into: &exposition)
/// ```
public final class MonitorMetrics: Sendable {
    /// What a recorded ping reported.
    public enum PingKind: String, Sendable, CaseIterable {
        case start
        case success
        case failure
        /// Output added to a run (`/ping/{uuid}/log`).
        case log
    }

    /// What one attempt to deliver a notification came to.
    public enum DeliveryResult: String, Sendable, CaseIterable {
        case delivered
        /// Not delivered this time; tried again later.
        case retry
        /// Given up: the receiver refused it, or it was too old to retry.
        case failed

        public init(_ outcome: DeliveryOutcome) {
            switch outcome {
            case .delivered: self = .delivered
            case .retry: self = .retry
            case .failed: self = .failed
            }
        }
    }

    /// Upper bounds of the detection lag's buckets, in seconds: a healthy engine raises
    /// an alert within a second of its deadline; minutes and hours mean it was stopped,
    /// stalled or far behind.
    public static let detectionLagBuckets: [Double] = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600]

    private let registry = PrometheusCollectorRegistry()
    private let pings: [PingKind: Counter]
    private let detectionLag: ValueHistogram
    private let lastEngineEvaluationBox = Mutex<Date?>(nil)

    public init(version: String = CronicleVersion.current) {
        var pings: [PingKind: Counter] = [:]
        for kind in PingKind.allCases {
            pings[kind] = registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    namespace: "cronicle", metricName: "pings_received", unitName: "total",
                    helpText: "Run events recorded since the monitor started, by kind (start, success, failure, log)."),
                labels: [("kind", kind.rawValue)])
        }
        self.pings = pings
        detectionLag = registry.makeValueHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "cronicle", subsystem: "alert", metricName: "detection_lag", unitName: "seconds",
                helpText: "How long after its deadline each missed_job or long_running alert was raised."),
            buckets: Self.detectionLagBuckets)
        registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "cronicle", metricName: "build", unitName: "info",
                helpText: "The monitor's version; always 1."),
            labels: [("version", version)]
        ).set(Double(1))
    }

    /// Records that the alert engine checked its deadlines without an error at `date`.
    public func engineEvaluated(at date: Date) {
        lastEngineEvaluationBox.withLock { $0 = date }
    }

    /// When the alert engine last checked its deadlines without an error (`GET /health`).
    public var lastEngineEvaluation: Date? { lastEngineEvaluationBox.withLock { $0 } }

    /// Counts a ping the store recorded.
    public func pingReceived(_ kind: PingKind) {
        pings[kind]?.increment()
    }

    /// Records how long after its deadline an alert was raised.
    public func alertRaised(lateBy seconds: TimeInterval) {
        detectionLag.record(max(0, seconds))
    }

    /// Counts one attempt to deliver a notification on `channel`.
    public func deliveryAttempted(channel: String, _ result: DeliveryResult) {
        // The registry returns the counter it made for these labels before.
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "cronicle", subsystem: "notification", metricName: "attempts", unitName: "total",
                helpText: "Attempts to deliver a notification since the monitor started, by channel and result."),
            labels: [("channel", channel), ("result", result.rawValue)]
        ).increment()
    }

    /// Appends every series, in the Prometheus text format (version 0.0.4).
    public func emit(into buffer: inout [UInt8]) {
        registry.emit(into: &buffer)
    }
}
