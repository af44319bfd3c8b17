import Foundation
import Testing
@testable import Datasets

@Suite struct VillageNamesTests {
    let moo1 = UUID(), moo2 = UUID(), market = UUID(), other1 = UUID()
    var names: VillageNames {
        VillageNames([
            .init(id: moo1, number: 1, nameTH: "บ้านหนองกี่", nameEN: "Ban Nong Ki"),
            .init(id: moo2, number: 2, nameTH: "บ้านโคกสะอาด", nameEN: "Ban Khok Sa-at"),
            .init(id: market, number: nil, nameTH: "ชุมชนตลาดหนองกี่", nameEN: "Nong Ki Market Community"),
        ])
    }

    @Test func readsTheWaysPeopleWriteAVillage() {
        for text in ["หมู่ที่ 1", "หมู่ 1", "หมู่ที่ ๑", "ม.1", "ม. 1", "Moo 1", "moo1", "1", "๑", "บ้านหนองกี่", "หนองกี่",
                     "หมู่ที่ 1 บ้านหนองกี่", "หมู่ที่ ๑  บ้าน หนองกี่", "Ban Nong Ki", "nong ki", moo1.uuidString] {
            #expect(names.id(for: text) == moo1, "\(text)")
        }
        #expect(names.id(for: "หมู่ 2 โคกสะอาด") == moo2)
        #expect(names.id(for: "ชุมชนตลาดหนองกี่") == market)
        #expect(names.id(for: "ตลาดหนองกี่") == market)
    }

    @Test func aTextThatIsNotExactlyOneVillageIsNone() {
        #expect(names.id(for: "หมู่ 9") == nil)                    // no such number
        #expect(names.id(for: "หมู่ที่ 2 บ้านหนองกี่") == nil)      // number and name disagree
        #expect(names.id(for: "บ้านไม่มี") == nil)
        #expect(names.id(for: UUID().uuidString) == nil)           // another municipality's id
        #expect(names.id(for: "") == nil)
        let twice = VillageNames([.init(id: moo1, number: 1, nameTH: "บ้านนา", nameEN: ""), .init(id: other1, number: 5, nameTH: "บ้านนา", nameEN: "")])
        #expect(twice.id(for: "บ้านนา") == nil)                    // two villages of that name
        #expect(twice.id(for: "หมู่ 5 บ้านนา") == other1)
    }

    @Test func inputsGiveVillageFieldsAsIDs() {
        let schema = DatasetSchema(fields: [FieldDefinition(key: "village", type: .village), FieldDefinition(key: "name", type: .text)])
        #expect(RecordInput.text(["village": "หมู่ 2", "name": "หมู่ 2"]).resolvingVillages(schema, names)
                == .text(["village": moo2.uuidString, "name": "หมู่ 2"]))
        #expect(RecordInput.json(["village": .string("หนองกี่")]).resolvingVillages(schema, names) == .json(["village": .string(moo1.uuidString)]))
        #expect(RecordInput.json(["village": .string("ที่ไหนก็ไม่รู้")]).resolvingVillages(schema, names) == .json(["village": .string("ที่ไหนก็ไม่รู้")]))
    }
}
