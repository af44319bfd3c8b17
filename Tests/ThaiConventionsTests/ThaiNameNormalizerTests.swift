import Testing
@testable import ThaiConventions

@Suite("ThaiNameNormalizer")
struct ThaiNameNormalizerTests {
    @Test(arguments: [
        ("นายสมชาย ใจดี", "สมชาย ใจดี"),
        ("นาย สมชาย  ใจดี", "สมชาย ใจดี"),
        ("นางสมศรี ใจดี", "สมศรี ใจดี"),
        ("นางสาวสมหญิง ใจดี", "สมหญิง ใจดี"),
        ("น.ส. สมหญิง ใจดี", "สมหญิง ใจดี"),
        ("น.ส.สมหญิง ใจดี", "สมหญิง ใจดี"),
        ("ด.ช.ก้อง ใจดี", "ก้อง ใจดี"),
        ("ด.ญ. ฝน ใจดี", "ฝน ใจดี"),
        ("เด็กชายก้อง ใจดี", "ก้อง ใจดี"),
        ("เด็กหญิง ฝน ใจดี", "ฝน ใจดี"),
        ("Mr. John Smith", "john smith"),
        ("Mrs. Jane Smith", "jane smith"),
        ("Ms. Jane Smith", "jane smith"),
        ("Miss Jane Smith", "jane smith"),
        ("mr john smith", "john smith"),
        ("Mrinal Sen", "mrinal sen"),                       // not "Mr" + "inal"
        ("Missy Smith", "missy smith"),
        ("  \tสมชาย\u{00A0}\u{00A0}ใจดี \n", "สมชาย ใจดี"),
        ("สมชาย\u{200B} ใจดี", "สมชาย ใจดี"),                // zero-width space from word-breakers
        ("นาย นายสมชาย ใจดี", "สมชาย ใจดี"),                 // doubled title from merged columns
        ("นายิกา ใจดี", "นายิกา ใจดี"),                      // starts with น-า-ย but ยิ is one letter
        ("สมชาย ใจดี ๒", "สมชาย ใจดี 2"),
        ("นาย", ""),
        ("", ""),
    ])
    func normalizes(input: String, expected: String) {
        #expect(ThaiNameNormalizer.normalize(input) == expected)
    }

    @Test func sameKeyForTheSamePerson() {
        let spellings = ["นางสาว สมหญิง  ใจดี", "น.ส.สมหญิง ใจดี", "สมหญิง ใจดี", " นางสาวสมหญิง\tใจดี "]
        let keys = Set(spellings.map(ThaiNameNormalizer.normalize))
        #expect(keys.count == 1)
    }

    @Test func saraAmTypedAsNikhahitPlusSaraAa() {
        // "คำ" typed as ค + ํ (U+0E4D) + า (U+0E32) instead of ค + ำ (U+0E33).
        #expect(ThaiNameNormalizer.normalize("\u{0E04}\u{0E4D}\u{0E32}") == "\u{0E04}\u{0E33}")
        #expect(ThaiNameNormalizer.normalize("นายคําแก้ว") == ThaiNameNormalizer.normalize("นายคำแก้ว"))
        // A nikhahit not followed by sara aa is kept.
        #expect(ThaiNameNormalizer.normalize("\u{0E04}\u{0E4D}") == "\u{0E04}\u{0E4D}")
    }
}
