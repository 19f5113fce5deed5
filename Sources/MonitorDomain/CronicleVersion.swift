/// The version both executables report with `--version`.
///
/// The monitor itself (store, alert engine, REST API, dashboard) arrives in this
/// module; until then it holds only what both executables share.
public enum CronicleVersion {
    public static let current = "0.1.0-dev"
}
