// Thai conventions: Buddhist-era dates, Thai digits, national IDs, legacy encodings.
//
// Foundation only, no Vapor: the web app and the importers both build on this module.
// Entry points:
// - `LocalizedMessage` / `BilingualError`: every user-facing message exists in Thai and English.
// - `ThaiDigits`: ๐-๙ <-> 0-9 and lenient number parsing.
// - `CalendarDay`: a Gregorian date without time zone; BE/Thai formatting and lenient parsing.
// - `BangkokTime`: instants shown to people in Thailand (UTC+7).
// - `FiscalYear`: ปีงบประมาณ, 1 Oct – 30 Sep, named by the BE year it ends in.
// - `ThaiNationalID`: เลขประจำตัวประชาชน with checksum.
// - `ThaiTextCodec`: UTF-8 / TIS-620 / Windows-874 detection and conversion, UTF-8-with-BOM CSV.
// - `ThaiNameNormalizer`: match keys for people's names across spreadsheets.
