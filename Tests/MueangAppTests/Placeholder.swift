import Testing
@testable import MueangApp
