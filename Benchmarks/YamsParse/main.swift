import Foundation
import Yams

// The floor for `cronicle-sync validate`: read every *.yaml/*.yml file under a folder
// and compose all its documents with Yams, nothing else, on one thread.
// Usage: yams-parse [--basic] FOLDER   (--basic: Yams' untyped resolver, as validate uses)
var arguments = Array(CommandLine.arguments.dropFirst())
let basic = arguments.first == "--basic"
if basic { arguments.removeFirst() }
guard let folder = arguments.first else {
    print("usage: yams-parse [--basic] FOLDER")
    exit(2)
}
var documents = 0
var files = 0
let enumerator = FileManager.default.enumerator(atPath: folder)
while let relative = enumerator?.nextObject() as? String {
    guard relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") else { continue }
    let text = try String(contentsOfFile: folder + "/" + relative, encoding: .utf8)
    let parser = try Parser(yaml: text, resolver: basic ? .basic : .default, encoding: .utf8)
    while try parser.nextRoot() != nil { documents += 1 }
    files += 1
}
print("\(files) files, \(documents) documents")
