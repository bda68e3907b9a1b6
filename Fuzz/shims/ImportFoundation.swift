// Added to a module whose files rely on another file of their SwiftPM target importing Foundation
// (the fuzz build compiles only some of those files).
import Foundation
