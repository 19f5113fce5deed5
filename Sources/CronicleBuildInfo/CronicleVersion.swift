/// The version every executable reports with `--version` and sends in client info.
///
/// A module of its own so that `cronicle exec`, which links neither the domain nor the
/// server, reports the same version as the monitor.
public enum CronicleVersion {
    public static let current = "0.1.0-dev"
}
