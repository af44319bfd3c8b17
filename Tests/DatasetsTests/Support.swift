import Foundation
import Testing
import ThaiConventions
@testable import Datasets

/// The field list of the API example in issue 3, as the API client sends it.
let apiExampleBody = """
{"slug": "households", "title": {"th": "ครัวเรือน", "en": "Households"}, "division": "health",
 "fields": [{"key": "house_no", "type": "text", "required": true, "unique": true, "label": {"th": "บ้านเลขที่", "en": "House no."}},
            {"key": "owner_id", "type": "thai_id"}, {"key": "members", "type": "integer", "min": 0},
            {"key": "surveyed_on", "type": "date"}, {"key": "location", "type": "point"}]}
"""

func decodeSchema(_ json: String) throws -> DatasetSchema {
    try JSONDecoder().decode(DatasetSchema.self, from: Data(json.utf8))
}

func field(_ type: FieldType, _ key: String = "f", th: String = "ช่อง", en: String = "Field",
           required: Bool = false, min: FieldLimit? = nil, max: FieldLimit? = nil, pattern: String? = nil,
           defaultValue: JSONValue? = nil, choices: [String] = []) -> FieldDefinition {
    FieldDefinition(key: key, type: type, label: LocalizedMessage(th: th, en: en), required: required,
                    min: min, max: max, pattern: pattern, defaultValue: defaultValue, choices: choices)
}

func day(_ y: Int, _ m: Int, _ d: Int) -> CalendarDay { try! CalendarDay(year: y, month: m, day: d) }

/// Parses text and returns the error, or nil when it parsed.
func textError(_ f: FieldDefinition, _ text: String) -> FieldError? {
    do { _ = try f.parse(text: text); return nil } catch { return error }
}

func json(_ text: String) -> JSONValue { JSONValue(jsonText: text)! }

// Valid national IDs, check digits computed by hand with weights 13, 12, ..., 2:
// 1234567890121: 1·13+2·12+3·11+4·10+5·9+6·8+7·7+8·6+9·5+0·4+1·3+2·2 = 352; 352 mod 11 = 0; (11−0) mod 10 = 1.
let validID1 = "1234567890121"
// 3100500123458: 3·13+1·12+0+0+5·9+0+0+1·6+2·5+3·4+4·3+5·2 = 146; 146 mod 11 = 3; 11−3 = 8.
let validID2 = "3100500123458"
// 1103700012346: 1·13+1·12+0+3·10+7·9+0+0+0+1·5+2·4+3·3+4·2 = 148; 148 mod 11 = 5; 11−5 = 6.
let validID3 = "1103700012346"

