#!/usr/bin/env python3
"""Writes a deterministic CSV of N rows and 10 columns for the city-database benchmark:
mixed Thai text, integers, decimals, ISO dates and a low-cardinality group column.
Usage: gen.py OUT.csv [ROWS] [SEED]   (another SEED: the same codes with other values)"""
import sys

out, rows = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000

COMMUNITIES = ["ชุมชนบ้านใหม่", "ชุมชนตลาดเก่า", "ชุมชนหนองกี่", "ชุมชนโคกสูง", "ชุมชนวัดกลาง", "ชุมชนหัวสะพาน",
               "ชุมชนดอนแดง", "ชุมชนท่าช้าง", "ชุมชนบ่อน้ำ", "ชุมชนสามแยก", "ชุมชนโนนสว่าง", "ชุมชนป่าไผ่"]
FIRST = ["สมชาย", "สมหญิง", "ประเสริฐ", "วิไลวรรณ", "อนุชา", "กาญจนา", "ธนพล", "สุภาพร", "ณัฐวุฒิ", "พรทิพย์",
         "บุญมี", "มาลี", "ศักดิ์ชัย", "จันทร์เพ็ญ", "วีระ", "อรอุมา"]
LAST = ["ใจดี", "ศรีสุข", "แก้วมณี", "บุญมา", "ทองคำ", "สายสุวรรณ", "พรหมมา", "จันทร์หอม", "วงศ์ไทย", "มีสุข",
        "ดวงแก้ว", "รัตนพันธ์", "ชัยมงคล"]
CATEGORY = ["ร้านค้าปลีก", "ร้านอาหาร", "เกษตรกรรม", "หอพัก", "โรงงานขนาดเล็ก", "บริการซ่อม", "ตลาดนัด", "อื่น ๆ"]
STREETS = ["ถนนมิตรภาพ", "ถนนโชคชัย", "ซอยวัดกลาง", "ถนนสุขาภิบาล 1", "ถนนเทศบาล 3", "ซอยร่วมใจ"]

# 64-bit LCG: the same file on every machine and Python version.
state = int(sys.argv[3]) if len(sys.argv) > 3 else 2569
def rnd():
    global state
    state = (state * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
    return state >> 33

with open(out, "w", encoding="utf-8", newline="") as f:
    f.write("code,owner,community,category,address,households,population,income,area_rai,surveyed\n")
    lines = []
    for i in range(1, rows + 1):
        a, b, c = rnd(), rnd(), rnd()
        owner = f"{FIRST[a % 16]} {LAST[(a >> 4) % 13]}"
        community = COMMUNITIES[b % 12]
        category = CATEGORY[(b >> 4) % 8]
        address = f"\"{(a >> 8) % 300 + 1}/{(a >> 17) % 9 + 1} หมู่ {(b >> 8) % 15 + 1}, {STREETS[(b >> 12) % 6]}\""
        households = (c % 9) + 1
        population = households + (c >> 4) % 12
        income = f"{(c >> 8) % 9000000 / 100 + 1000:.2f}"
        area = f"{((a >> 20) % 5000) / 100:.2f}"
        surveyed = f"{2020 + (a >> 27) % 5:04d}-{(c >> 20) % 12 + 1:02d}-{(c >> 24) % 28 + 1:02d}"
        lines.append(f"R{i:07d},{owner},{community},{category},{address},{households},{population},{income},{area},{surveyed}\n")
        if len(lines) == 10000:
            f.write("".join(lines)); lines.clear()
    f.write("".join(lines))
