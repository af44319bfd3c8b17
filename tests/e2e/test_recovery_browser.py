"""The recovery workbench in headless Chromium: three old copies with different column names (a
UTF-8 CSV with Thai headers, a TIS-620 CSV with other Thai headers and Thai digits, an XLSX file
with English headers) become one register with the default mapping, the person settles a value
per record, chooses the owning division, and every written value names its source in Thai."""
import os
import tempfile

import openpyxl
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import run_cli
from test_browser import browser  # noqa: F401
from test_city_database_browser import sign_in

SOMCHAI, BUNRUEAN, KAEW = "1103702021334", "3100600123450", "1101700000010"
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def make_copies(folder):
    """The three copies, written the way their programs would."""
    utf8 = os.path.join(folder, "ทะเบียน-2564.csv")
    with open(utf8, "w", encoding="utf-8-sig", newline="") as f:
        f.write("เลขบัตร,ชื่อ-สกุล,บ้านเลขที่,หมู่\r\n"
                f"{SOMCHAI},นายสมหมาย ใจงาม,12/3,3\r\n"
                f"{BUNRUEAN},นางบุญเรือน ศรีสุข,45,หมู่ 3\r\n")
    tis = os.path.join(folder, "ทะเบียน-2565.csv")
    with open(tis, "wb") as f:
        f.write(("เลขประจำตัวประชาชน,ชื่อ,เลขที่บ้าน\r\n"
                 f"{SOMCHAI.translate(THAI_DIGITS)},นาย สมหมาย  ใจงาม,๑๒/๓\r\n"
                 f"{BUNRUEAN.translate(THAI_DIGITS)},นางสาวบุญเรือน ศรีสุข,๔๕\r\n").encode("cp874"))
    xlsx = os.path.join(folder, "register-2566.xlsx")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["national_id", "name", "house_no", "moo", "phone"])
    sheet.append([int(SOMCHAI), "สมหมาย  ใจงาม", "๑๒/๓", "๓", "081-234-5678"])   # the ID typed as a number
    sheet.append([KAEW, "แก้ว ใหม่", "9", 3, "0891112222"])
    book.save(xlsx)
    return [(utf8, "ทะเบียน 2564", "31/12/2564"), (tis, "ทะเบียน 2565", "31/12/2565"), (xlsx, "ทะเบียน 2566", "31/12/2566")]


def selected(browser, name):
    return Select(browser.find_element(By.NAME, name)).first_selected_option.get_attribute("value")


def test_recover_three_copies(demo, browser):  # noqa: F811
    sign_in(browser, demo, "hatyai", "admin")
    browser.get(f"{demo.base}/t/hatyai/recovery")
    for i, (path, name, date) in enumerate(make_copies(tempfile.mkdtemp())):
        browser.find_element(By.NAME, f"file{i}").send_keys(path)
        browser.find_element(By.NAME, f"name{i}").send_keys(name)
        browser.find_element(By.NAME, f"date{i}").send_keys(date)
    browser.find_element(By.ID, "recovery-next").click()
    WebDriverWait(browser, 15).until(EC.presence_of_element_located((By.ID, "recovery-fields")))

    # The suggestion: one field per meaning, every copy's column on it, keys chosen.
    keys = [browser.find_element(By.NAME, f"fkey{j}").get_attribute("value") for j in range(5)]
    assert keys == ["national_id", "name", "house_no", "village", "phone"]
    assert selected(browser, "ftype0") == "thai_id"
    assert [selected(browser, f"map{i}_0") for i in range(3)] == ["0", "0", "0"]
    assert [selected(browser, f"map{i}_1") for i in range(3)] == ["1", "1", "1"]
    assert [selected(browser, n) for n in ("map0_3", "map1_2", "map2_3")] == ["3", "2", "3"]
    assert selected(browser, "key_id") == "0" and selected(browser, "key_name") == "1"

    # A mistake keeps the page: no key at all.
    Select(browser.find_element(By.NAME, "key_id")).select_by_value("")
    Select(browser.find_element(By.NAME, "key_name")).select_by_value("")
    browser.find_element(By.ID, "recovery-match").click()
    WebDriverWait(browser, 15).until(EC.presence_of_element_located((By.CSS_SELECTOR, "p.notice")))
    assert "เลือกวิธีจับคู่แถว" in browser.find_element(By.CSS_SELECTOR, "p.notice").text
    assert selected(browser, "map2_4") == "4" and selected(browser, "key_id") == ""
    Select(browser.find_element(By.NAME, "key_id")).select_by_value("0")
    Select(browser.find_element(By.NAME, "key_name")).select_by_value("1")
    browser.find_element(By.ID, "recovery-match").click()

    WebDriverWait(browser, 15).until(EC.presence_of_element_located((By.ID, "recovery-summary")))
    assert browser.find_element(By.ID, "recovered-count").text == "3"   # สมหมาย, บุญเรือน, แก้ว (kept)
    assert browser.find_element(By.ID, "matched-count").text == "2"
    # สมหมาย's record: one row per field, one column per copy, the newest value chosen.
    record = browser.find_element(By.ID, "record-0")
    headers = [th.text for th in record.find_elements(By.CSS_SELECTOR, "thead th")]
    assert any(h.startswith("ทะเบียน 2564") for h in headers) and any(h.startswith("ทะเบียน 2566") for h in headers)
    name_row = record.find_element(By.CSS_SELECTOR, "tr[data-field=name]")
    assert "differs" in name_row.get_attribute("class")
    assert record.find_element(By.CSS_SELECTOR, "tr[data-field=national_id] .final-value").text == SOMCHAI
    assert record.find_element(By.CSS_SELECTOR, "tr[data-field=house_no] .final-value").text == "12/3"
    assert name_row.find_element(By.CSS_SELECTOR, "input[value='source:ทะเบียน 2566']").is_selected()
    # The person takes the 2565 spelling (with the title).
    name_row.find_element(By.CSS_SELECTOR, "input[value='source:ทะเบียน 2565']").click()
    Select(browser.find_element(By.ID, "recovery-division")).select_by_value("welfare")
    browser.find_element(By.NAME, "slug").clear()
    browser.find_element(By.NAME, "slug").send_keys("recovered-people")
    browser.find_element(By.ID, "recovery-save").click()
    WebDriverWait(browser, 15).until(EC.presence_of_element_located((By.ID, "record-table")))
    assert "3" in browser.find_element(By.ID, "record-count").text

    token = run_cli("token", "create", "--tenant", "hatyai", "--user", "admin", "--data-dir", demo.data_dir).stdout.strip()
    auth = {"Authorization": f"Bearer {token}"}
    dataset = requests.get(f"{demo.base}/api/v1/t/hatyai/datasets/recovered-people", headers=auth).json()
    assert dataset["division"] == "welfare"
    records = [r["values"] for r in requests.get(f"{demo.base}/api/v1/t/hatyai/datasets/recovered-people/records",
                                                 headers=auth).json()["items"]]
    by_id = {r.get("national_id"): r for r in records}
    assert set(by_id) == {SOMCHAI, BUNRUEAN, KAEW}
    somchai = by_id[SOMCHAI]
    assert somchai["name"] == "นาย สมหมาย ใจงาม"        # chosen, spacing normalised
    assert somchai["house_no"] == "12/3" and somchai["village"] == "3"
    assert somchai["phone"] == "0812345678"
    assert "ทะเบียน 2565 แถว 2: ชื่อ-สกุล" in somchai["recovered_from"]
    assert "ทะเบียน 2566 แถว 2: เลขประจำตัวประชาชน" in somchai["recovered_from"]
    assert by_id[BUNRUEAN]["house_no"] == "45" and by_id[BUNRUEAN]["name"] == "นางสาวบุญเรือน ศรีสุข"
    assert by_id[KAEW]["village"] == "3"
