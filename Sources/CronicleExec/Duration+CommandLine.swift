import Foundation

extension Duration {
    /// Reads a length of time as `cronicle exec` takes it on its command line: a number
    /// followed by a unit, `ms`, `s`, `m`, `h` or `d` (`500ms`, `90s`, `15m`, `2h`), several
    /// such parts in a row (`1h30m`), or a bare number of seconds (`10`, `2.5`), as GNU
    /// `timeout` reads it.
    ///
    /// Returns nil for anything else, and for a length that is not above zero.
    public init?(commandLine text: String) {
        let characters = Array(text.trimmingCharacters(in: .whitespaces))
        guard !characters.isEmpty else { return nil }
        var index = 0
        var nanoseconds = 0.0
        while index < characters.count {
            let numberStart = index
            while index < characters.count, characters[index].isASCII,
                characters[index].isNumber || characters[index] == "."
            {
                index += 1
            }
            guard index > numberStart, let number = Double(String(characters[numberStart..<index])) else {
                return nil
            }
            let unitStart = index
            while index < characters.count, characters[index].isLetter { index += 1 }
            let unit = String(characters[unitStart..<index])
            let scale: Double
            switch unit {
            case "": scale = 1e9
            case "ms": scale = 1e6
            case "s": scale = 1e9
            case "m": scale = 60e9
            case "h": scale = 3_600e9
            case "d": scale = 86_400e9
            default: return nil
            }
            // A bare number is allowed only on its own: "1h30" is more likely a typo than 1h30s.
            if unit.isEmpty {
                guard numberStart == 0, index == characters.count else { return nil }
            }
            nanoseconds += number * scale
        }
        guard nanoseconds >= 1, nanoseconds < Double(Int64.max) else { return nil }
        self = .nanoseconds(Int64(nanoseconds))
    }

    /// Seconds as a `Double`, for JSON and for messages.
    var secondsValue: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
