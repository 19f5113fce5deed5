/// Which of the writer's two lanes a write takes (see ``WriteBatcher``).
package enum WriteLane: Sendable {
    /// A request's write (a ping, an API change): batched with the others waiting.
    case requests
    /// The monitor's own work (deadlines, delivery outcomes, reminders, retention): one
    /// operation per transaction, after the requests waiting or once it has waited 20 ms.
    case background
}
