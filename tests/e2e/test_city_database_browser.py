"""A division officer in headless Chromium: design a dataset, import a file with a bad row,
download the rejects, fix the file and import again."""
import csv
import io
import os
import tempfile

import requests

from conftest import run_cli
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_browser import browser  # noqa: F401  (the shared headless Chromium fixture)


def sign_in(driver, demo, tenant, role):
    user, password = demo.logins()[(tenant, role)]
    driver.get(f"{demo.base}/t/{tenant}/login")
    driver.find_element(By.ID, "username").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "login-submit").click()
    # Someone signed in on another tenant also sees a sign-out button on this login page, so
    # wait for the page to be left first; otherwise the next navigation can cancel the sign-in.
    WebDriverWait(driver, 15, ignored_exceptions=(WebDriverException,)).until(lambda d: "/login" not in d.current_url)
    WebDriverWait(driver, 15).until(EC.presence_of_element_located((By.ID, "logout")))


def wait_text(driver, element_id, text):
    # Waits across the navigation a click starts: the old page's element can vanish while it is
    # being read, which Chromium reports as a plain WebDriverException.
    WebDriverWait(driver, 15, ignored_exceptions=(WebDriverException,)).until(
        EC.text_to_be_present_in_element((By.ID, element_id), text))


def wait_done(driver):
    # The page reloads itself when the job ends, so elements may go stale while we look.
    WebDriverWait(driver, 60, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.find_element(By.ID, "job-status").get_attribute("data-status") != "running")


def test_design_import_rejects_fix_reimport(demo, browser):  # noqa: F811
    sign_in(browser, demo, "lahansai", "staff")
    browser.get(f"{demo.base}/t/lahansai/datasets")
    browser.find_element(By.ID, "new-dataset").click()
    browser.find_element(By.NAME, "titleTH").send_keys("ทะเบียนผู้สูงอายุ")
    browser.find_element(By.NAME, "titleEN").send_keys("Elderly register")
    browser.find_element(By.NAME, "slug").send_keys("elderly")
    rows = [("citizen_id", "thai_id", "เลขประจำตัวประชาชน", "National ID", True, True),
            ("name", "text", "ชื่อ-สกุล", "Name", True, False),
            ("born_on", "date", "วันเกิด", "Born on", False, False),
            ("allowance", "decimal", "เบี้ยยังชีพ", "Allowance", False, False)]
    for i, (key, typ, th, en, required, unique) in enumerate(rows):
        browser.find_element(By.NAME, f"fields[{i}][key]").send_keys(key)
        Select(browser.find_element(By.NAME, f"fields[{i}][type]")).select_by_value(typ)
        browser.find_element(By.NAME, f"fields[{i}][labelTH]").send_keys(th)
        browser.find_element(By.NAME, f"fields[{i}][labelEN]").send_keys(en)
        if required:
            browser.find_element(By.NAME, f"fields[{i}][required]").click()
        if unique:
            browser.find_element(By.NAME, f"fields[{i}][unique]").click()
    browser.find_element(By.ID, "create-dataset").click()
    wait_text(browser, "dataset-title", "ทะเบียนผู้สูงอายุ")

    # A TIS-620 file with Thai headers, Thai digits, BE dates, and one bad national ID on row 3.
    good = [("1103702021334", "นายสมหมาย ใจงาม", "๑๒/๐๔/๒๔๙๘", "๖๐๐"),
            ("3100600123450", "นางบุญเรือน ศรีสุข", "1 ม.ค. 2490", "800")]
    bad = ("1234567890123", "นางสาวผิด พลาด", "3/3/2495", "600")
    path = os.path.join(tempfile.mkdtemp(), "elderly.csv")

    def write(rows_):
        text = "เลขประจำตัวประชาชน,ชื่อ-สกุล,วันเกิด,เบี้ยยังชีพ\r\n" + "".join(",".join(r) + "\r\n" for r in rows_)
        with open(path, "wb") as f:
            f.write(text.encode("cp874"))

    write([good[0], bad, good[1]])
    browser.find_element(By.ID, "import-link").click()
    browser.find_element(By.ID, "import-file").send_keys(path)
    browser.find_element(By.ID, "upload").click()
    preview = WebDriverWait(browser, 15).until(EC.presence_of_element_located((By.ID, "preview")))
    assert "นายสมหมาย ใจงาม" in preview.text
    mapped = [Select(s).first_selected_option.get_attribute("value") for s in browser.find_elements(By.CSS_SELECTOR, "select.mapping")]
    assert mapped == ["citizen_id", "name", "born_on", "allowance"]
    browser.find_element(By.ID, "run-import").click()   # all-or-nothing
    wait_done(browser)
    assert browser.find_element(By.ID, "imported").text == "0"
    assert browser.find_element(By.ID, "rejected-count").text == "1"
    assert "3" in browser.find_element(By.ID, "rejects").text

    href = browser.find_element(By.ID, "download-rejects").get_attribute("href")
    session = requests.Session()
    for c in browser.get_cookies():
        session.cookies.set(c["name"], c["value"])
    rejects = session.get(href)
    assert rejects.status_code == 200 and rejects.content.startswith(b"\xef\xbb\xbf")
    rows_ = list(csv.reader(io.StringIO(rejects.content.decode("utf-8-sig"))))
    # The rejected row as the file had it (Thai headers, Thai digits), with its row number and why.
    assert rows_[0][:4] == ["เลขประจำตัวประชาชน", "ชื่อ-สกุล", "วันเกิด", "เบี้ยยังชีพ"] and len(rows_) == 2, rows_
    # (A 13-digit ID and a date-like text are written as Excel's text formula, so Excel shows the ID
    # whole, not as 1.23E+12, and does not turn 3/3/2495 into a date of its own reading.)
    assert rows_[1][:5] == [f'="{bad[0]}"', bad[1], f'="{bad[2]}"', bad[3], "3"], rows_
    assert "citizen_id" in rows_[1][5] and "เลขประจำตัว" in rows_[1][5], rows_

    browser.get(f"{demo.base}/t/lahansai/datasets/elderly")
    assert "0" in browser.find_element(By.ID, "record-count").text

    # The same file again, importing the valid rows: two now, one rejected.
    browser.find_element(By.ID, "import-link").click()
    browser.find_element(By.ID, "import-file").send_keys(path)
    browser.find_element(By.ID, "upload").click()
    WebDriverWait(browser, 15).until(EC.presence_of_element_located((By.ID, "mode-valid"))).click()
    browser.find_element(By.ID, "run-import").click()
    wait_done(browser)
    assert browser.find_element(By.ID, "imported").text == "2"
    assert browser.find_element(By.ID, "rejected-count").text == "1"

    # The officer corrects the national ID in the downloaded rejects file and imports that file.
    rows_[1][0] = "1101700000010"   # as Excel saves the corrected cell
    fixed = os.path.join(tempfile.mkdtemp(), "elderly-rejects-fixed.csv")
    with open(fixed, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows_)
    browser.find_element(By.CSS_SELECTOR, "main a").click()   # back to the dataset
    browser.find_element(By.ID, "import-link").click()
    browser.find_element(By.ID, "import-file").send_keys(fixed)
    browser.find_element(By.ID, "upload").click()
    WebDriverWait(browser, 15).until(EC.presence_of_element_located((By.ID, "run-import")))
    mapped = [Select(s).first_selected_option.get_attribute("value") for s in browser.find_elements(By.CSS_SELECTOR, "select.mapping")]
    assert mapped == ["citizen_id", "name", "born_on", "allowance", "", ""], mapped
    browser.find_element(By.ID, "run-import").click()
    wait_done(browser)
    assert browser.find_element(By.ID, "imported").text == "1", browser.find_element(By.ID, "job-result").text
    browser.get(f"{demo.base}/t/lahansai/datasets/elderly")
    table = browser.find_element(By.ID, "record-table").text
    assert "นายสมหมาย ใจงาม" in table and "12 เม.ย. 2498" in table
    # The corrected row's date came back through the text formula as the same day.
    assert "นางสาวผิด พลาด" in table and "3 มี.ค. 2495" in table, table
    assert "3" in browser.find_element(By.ID, "record-count").text
    # Filter by one field, typed in Thai digits; the export link keeps the filter.
    Select(browser.find_element(By.ID, "filter-field")).select_by_value("allowance")
    browser.find_element(By.ID, "filter-value").send_keys("๘๐๐")
    browser.find_element(By.ID, "search-button").click()
    wait_text(browser, "record-count", " 1 ")
    assert "นางบุญเรือน ศรีสุข" in browser.find_element(By.ID, "record-table").text
    csv_link = next(a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "a.export") if "format=csv" in a.get_attribute("href"))
    session = requests.Session()
    for c in browser.get_cookies():
        session.cookies.set(c["name"], c["value"])
    exported = session.get(csv_link).content.decode("utf-8-sig").strip().splitlines()
    assert len(exported) == 2 and "800" in exported[1]


def test_point_is_picked_on_a_map(demo, browser):  # noqa: F811
    sign_in(browser, demo, "nongki", "admin")
    browser.get(f"{demo.base}/t/nongki/datasets/households")
    browser.find_element(By.CSS_SELECTOR, "#record-table tbody a").click()
    record_url = browser.current_url
    maps = WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#record-form .map"))
    point = browser.find_element(By.CSS_SELECTOR, "input[data-point]")
    before = point.get_attribute("value")
    browser.execute_script("arguments[0].scrollIntoView()", maps[0])
    from selenium.webdriver.common.action_chains import ActionChains
    ActionChains(browser).move_to_element_with_offset(maps[0], 60, -40).click().perform()
    after = point.get_attribute("value")
    assert after != before and "," in after
    form = browser.find_element(By.ID, "record-form")
    browser.find_element(By.ID, "save-record").click()
    # The saved page comes back at the same address: wait for the old page to go first.
    WebDriverWait(browser, 15).until(EC.staleness_of(form))
    assert browser.current_url.startswith(record_url)
    lat, lon = (float(x) for x in after.split(","))
    wait_text(browser, "record-values", f"{lat:.5f}, {lon:.5f}")


def test_fields_are_renamed_and_archived_without_losing_data(demo, browser):  # noqa: F811
    sign_in(browser, demo, "nongki", "admin")
    browser.get(f"{demo.base}/t/nongki/datasets/water-points/fields")
    keys = [e.get_attribute("value") for e in browser.find_elements(By.CSS_SELECTOR, "input[name$='[key]']") if e.get_attribute("value")]
    assert keys == ["name", "kind", "working", "village", "location"]
    name_key = browser.find_element(By.NAME, "fields[0][key]")
    name_key.clear()
    name_key.send_keys("point_name")
    browser.find_element(By.NAME, "fields[2][archive]").click()      # archive "working"
    Select(browser.find_element(By.NAME, "fields[1][type]")).select_by_value("integer")   # kind → integer: refused
    browser.find_element(By.NAME, "fields[1][choices]").clear()
    browser.find_element(By.ID, "save-fields").click()
    WebDriverWait(browser, 15).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".notice")))
    assert browser.find_elements(By.ID, "blockers"), browser.find_element(By.CSS_SELECTOR, ".notice").text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#blockers tbody tr")) == 24
    browser.get(f"{demo.base}/t/nongki/datasets/water-points/fields")
    name_key = browser.find_element(By.NAME, "fields[0][key]")
    name_key.clear()
    name_key.send_keys("point_name")
    browser.find_element(By.NAME, "fields[2][archive]").click()
    browser.find_element(By.ID, "save-fields").click()
    WebDriverWait(browser, 15).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".notice")))
    browser.get(f"{demo.base}/t/nongki/datasets/water-points")
    table = browser.find_element(By.ID, "record-table").text
    assert "แห่งที่" in table                       # the renamed field kept its values
    assert "ใช้งานได้" not in browser.find_element(By.CSS_SELECTOR, "#record-table thead").text
    browser.get(f"{demo.base}/t/nongki/datasets/water-points/fields")
    keys = [e.get_attribute("value") for e in browser.find_elements(By.CSS_SELECTOR, "input[name$='[key]']")]
    assert "point_name" in keys and "name" not in keys
    row = keys.index("working")                                                  # archived, still listed
    assert browser.find_element(By.NAME, f"fields[{row}][archive]").is_selected()


def tiny_png(path):
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 4 for _ in range(4))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def test_photo_attached_to_a_record(demo, browser):  # noqa: F811
    token = run_cli("token", "create", "--tenant", "hatyai", "--user", "admin", "--data-dir", demo.data_dir).stdout.strip()
    auth = {"Authorization": f"Bearer {token}"}
    requests.post(f"{demo.base}/api/v1/t/hatyai/datasets", headers=auth, json={
        "slug": "signs-photos", "title": {"th": "ภาพป้าย", "en": "Sign photos"},
        "fields": [{"key": "name", "type": "text", "required": True}, {"key": "photo", "type": "file", "label": {"th": "ภาพถ่าย", "en": "Photo"}}]})
    sign_in(browser, demo, "hatyai", "admin")
    browser.get(f"{demo.base}/t/hatyai/datasets/signs-photos")
    folder = tempfile.mkdtemp()
    bad = os.path.join(folder, "note.png")
    with open(bad, "w") as f:
        f.write("not really a picture")
    browser.find_element(By.NAME, "v[name]").send_keys("ป้ายร้านทอง")
    browser.find_element(By.NAME, "upload[photo]").send_keys(bad)
    browser.find_element(By.ID, "save-record").click()
    # Refused by its bytes, whatever its name says.
    WebDriverWait(browser, 15, ignored_exceptions=(WebDriverException,)).until(
        lambda d: "PNG" in d.find_element(By.TAG_NAME, "main").text)
    # The form comes back with the refusal on the photo field and the typed name kept.
    assert "note.png" in browser.find_element(By.ID, "record-form").text
    assert browser.find_element(By.NAME, "v[name]").get_attribute("value") == "ป้ายร้านทอง"
    good = os.path.join(folder, "sign.png")
    tiny_png(good)
    browser.find_element(By.NAME, "upload[photo]").send_keys(good)
    browser.find_element(By.ID, "save-record").click()
    WebDriverWait(browser, 15).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#record-table tbody a"))).click()
    img = WebDriverWait(browser, 15).until(EC.presence_of_element_located((By.CSS_SELECTOR, "img.photo")))
    assert browser.execute_script("return arguments[0].naturalWidth", img) == 4
    session = requests.Session()
    for c in browser.get_cookies():
        session.cookies.set(c["name"], c["value"])
    assert session.get(img.get_attribute("src")).headers["Content-Type"] == "image/png"
    assert requests.get(img.get_attribute("src")).status_code == 401            # not for the public


def assert_fits_phone(driver):
    """Nothing on the page scrolls sideways, and each input and select of the first field's main
    row (key, type, labels, required, unique, choices) lies whole inside the viewport, over no other."""
    seen = driver.execute_script("""
        const table = document.getElementById('field-table');
        const controls = [...table.querySelector('tbody.field tr.field-row').querySelectorAll('input:not([type=hidden]), select')];
        const box = e => { const r = e.getBoundingClientRect(); return {name: e.name, left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
        return {page: document.documentElement.scrollWidth, inner: window.innerWidth, client: document.documentElement.clientWidth,
                table: table.parentElement.scrollWidth - table.parentElement.clientWidth, controls: controls.map(box)};
    """)
    assert seen["page"] <= seen["inner"], seen                       # the page itself does not scroll sideways
    assert seen["table"] <= 0, seen                                   # nor does the table inside it
    controls = seen["controls"]
    assert [c["name"].split("][")[-1].rstrip("]") for c in controls] == \
        ["key", "type", "labelTH", "labelEN", "required", "unique", "choices"], controls
    for c in controls:
        assert 0 <= c["left"] and c["right"] <= seen["client"] and c["right"] > c["left"], (c, seen["client"])
    for i, a in enumerate(controls):
        for b in controls[i + 1:]:
            apart = a["right"] <= b["left"] or b["right"] <= a["left"] or a["bottom"] <= b["top"] or b["bottom"] <= a["top"]
            assert apart, (a, b)


def test_designer_sets_pattern_default_reference_and_help_in_both_languages(demo, browser):  # noqa: F811
    sign_in(browser, demo, "nongki", "admin")
    browser.set_window_size(360, 800)              # a cheap phone
    try:
        browser.get(f"{demo.base}/t/nongki/datasets/new")
        assert_fits_phone(browser)
        browser.find_element(By.NAME, "titleTH").send_keys("เยี่ยมบ้าน")
        browser.find_element(By.NAME, "titleEN").send_keys("Home visits")
        browser.find_element(By.NAME, "slug").send_keys("home-visits")
        fields = browser.find_elements(By.CSS_SELECTOR, "#field-table tbody.field")

        def fill(i, key, typ, th, en, **more):
            row = fields[i]
            row.find_element(By.NAME, f"fields[{i}][key]").send_keys(key)
            Select(row.find_element(By.NAME, f"fields[{i}][type]")).select_by_value(typ)
            row.find_element(By.NAME, f"fields[{i}][labelTH]").send_keys(th)
            row.find_element(By.NAME, f"fields[{i}][labelEN]").send_keys(en)
            summary = row.find_element(By.TAG_NAME, "summary")
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", summary)
            summary.click()                        # the settings that fold away on a phone
            for name, value in more.items():
                field = row.find_element(By.NAME, f"fields[{i}][{name}]")
                if field.tag_name == "select":
                    Select(field).select_by_value(value)
                else:
                    field.send_keys(value)
            return row

        house = fill(0, "house_no", "text", "บ้านเลขที่", "House no.", pattern="[0-9]+(/[0-9]+)?",
                     helpTH="เลขที่ตามทะเบียนบ้าน เช่น 45/2", helpEN="As on the house registration, e.g. 45/2")
        assert_fits_phone(browser)                 # still, with the first field filled in and its settings open
        pattern = house.find_element(By.NAME, "fields[0][pattern]")
        left, width = pattern.rect["x"], pattern.rect["width"]
        viewport = browser.execute_script("return document.documentElement.clientWidth")
        assert viewport <= 360 and 0 <= left and left + width <= viewport, (left, width, viewport)   # no sideways scrolling to reach it
        # The referenced dataset is asked for only when the type is a reference.
        assert not house.find_element(By.NAME, "fields[0][reference]").is_displayed()
        fill(1, "members", "integer", "จำนวนสมาชิก", "Members", default="๓", min="1", max="20")
        household = fill(2, "household", "reference", "ครัวเรือน", "Household", reference="households")
        assert household.find_element(By.NAME, "fields[2][reference]").is_displayed()
        browser.find_element(By.ID, "create-dataset").click()
        wait_text(browser, "dataset-title", "เยี่ยมบ้าน")
    finally:
        browser.set_window_size(1280, 900)

    # The record form starts with the default and shows the Thai help under the input.
    members = browser.find_element(By.NAME, "v[members]")
    assert members.get_attribute("value") == "3"
    house_label = browser.find_element(By.NAME, "v[house_no]").find_element(By.XPATH, "./ancestor::label")
    assert "เลขที่ตามทะเบียนบ้าน เช่น 45/2" in house_label.text
    assert "As on the house registration" not in house_label.text

    # A house number that breaks the pattern is refused with the field's message.
    browser.find_element(By.NAME, "v[house_no]").send_keys("บ้านริมคลอง")
    browser.find_element(By.ID, "save-record").click()
    error = WebDriverWait(browser, 15).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".field-error[data-field='house_no']")))
    assert "ไม่ตรงตามรูปแบบที่กำหนด" in error.text
    typed = browser.find_element(By.NAME, "v[house_no]")
    assert typed.get_attribute("value") == "บ้านริมคลอง"
    typed.clear()
    typed.send_keys("45/2")
    browser.find_element(By.ID, "save-record").click()
    wait_text(browser, "record-count", " 1 ")
    table = browser.find_element(By.ID, "record-table").text
    assert "45/2" in table and "3" in table

    # In English the same input explains itself in English.
    browser.find_element(By.ID, "lang-switch").click()
    WebDriverWait(browser, 15).until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")
    house_label = browser.find_element(By.NAME, "v[house_no]").find_element(By.XPATH, "./ancestor::label")
    assert "As on the house registration, e.g. 45/2" in house_label.text
    assert "เลขที่ตามทะเบียนบ้าน" not in house_label.text

    # The fields page shows the settings as they were designed.
    browser.get(f"{demo.base}/t/nongki/datasets/home-visits/fields")
    assert browser.find_element(By.NAME, "fields[0][pattern]").get_attribute("value") == "[0-9]+(/[0-9]+)?"
    assert browser.find_element(By.NAME, "fields[0][helpEN]").get_attribute("value") == "As on the house registration, e.g. 45/2"
    assert browser.find_element(By.NAME, "fields[1][default]").get_attribute("value") == "3"
    assert Select(browser.find_element(By.NAME, "fields[2][reference]")).first_selected_option.get_attribute("value") == "households"
    browser.find_element(By.ID, "lang-switch").click()
    WebDriverWait(browser, 15).until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "th")


def test_import_from_a_chosen_sheet_of_a_workbook(demo, browser):  # noqa: F811
    """The register is on the workbook's second sheet, behind a sheet of notes."""
    import openpyxl
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "หมายเหตุ"
    notes["A1"] = "สำรวจโดยกองช่าง ปีงบประมาณ 2569"
    points = book.create_sheet("จุดน้ำ")
    points.append(["ชื่อ", "ประเภท", "ใช้งานได้"])
    points.append(["บ่อบาดาลหลังวัด", "บ่อบาดาล", "ใช่"])
    points.append(["ถังน้ำโรงเรียน", "ถังเก็บน้ำ", "ไม่ใช่"])
    path = os.path.join(tempfile.mkdtemp(), "water.xlsx")
    book.save(path)

    token = run_cli("token", "create", "--tenant", "nongki", "--user", demo.logins()[("nongki", "admin")][0], "--data-dir", demo.data_dir).stdout.strip()
    made = requests.post(f"{demo.base}/api/v1/t/nongki/datasets", headers={"Authorization": f"Bearer {token}"}, json={
        "slug": "wells-2569", "title": {"th": "บ่อน้ำ 2569", "en": "Wells 2569"},
        "fields": [{"key": "name", "type": "text", "label": {"th": "ชื่อ", "en": "Name"}},
                   {"key": "kind", "type": "choice", "choices": ["บ่อบาดาล", "ถังเก็บน้ำ"], "label": {"th": "ประเภท", "en": "Kind"}},
                   {"key": "working", "type": "boolean", "label": {"th": "ใช้งานได้", "en": "Working"}}]})
    assert made.status_code == 201, made.text
    sign_in(browser, demo, "nongki", "admin")
    browser.get(f"{demo.base}/t/nongki/datasets/wells-2569")
    browser.find_element(By.ID, "import-link").click()
    browser.find_element(By.ID, "import-file").send_keys(path)
    browser.find_element(By.ID, "upload").click()
    sheet = Select(WebDriverWait(browser, 15).until(EC.presence_of_element_located((By.ID, "sheet"))))
    assert [o.text for o in sheet.options] == ["หมายเหตุ", "จุดน้ำ"]
    assert sheet.first_selected_option.text == "หมายเหตุ"
    sheet.select_by_visible_text("จุดน้ำ")       # the page shows that sheet instead
    wait_text(browser, "preview", "บ่อบาดาลหลังวัด")
    mapped = [Select(s).first_selected_option.get_attribute("value") for s in browser.find_elements(By.CSS_SELECTOR, "select.mapping")]
    assert mapped == ["name", "kind", "working"]
    browser.find_element(By.ID, "run-import").click()
    wait_done(browser)
    assert browser.find_element(By.ID, "imported").text == "2", browser.find_element(By.ID, "job-result").text
    browser.get(f"{demo.base}/t/nongki/datasets/wells-2569")
    assert "2" in browser.find_element(By.ID, "record-count").text
    assert "บ่อบาดาลหลังวัด" in browser.find_element(By.ID, "record-table").text


def test_an_area_is_drawn_on_the_record_page(demo, browser):  # noqa: F811
    token = run_cli("token", "create", "--tenant", "nongki", "--user", demo.logins()[("nongki", "admin")][0], "--data-dir", demo.data_dir).stdout.strip()
    auth = {"Authorization": f"Bearer {token}"}
    api = f"{demo.base}/api/v1/t/nongki/datasets"
    assert requests.post(api, headers=auth, json={"slug": "parks", "title": {"th": "สวนสาธารณะ", "en": "Parks"},
                         "fields": [{"key": "name", "type": "text"}, {"key": "boundary", "type": "area", "label": {"th": "ขอบเขต", "en": "Boundary"}}]}).status_code == 201
    square = {"type": "Polygon", "coordinates": [[[102.53, 14.68], [102.54, 14.68], [102.54, 14.69], [102.53, 14.68]]]}
    made = requests.post(api + "/parks/records", headers=auth, json={"name": "สวนหนองกี่", "boundary": square})
    assert made.status_code == 201, made.text
    sign_in(browser, demo, "nongki", "executive")              # read-only: the map is still drawn
    browser.get(f"{demo.base}/t/nongki/datasets/parks/records/{made.json()['id'].lower()}")
    drawn = WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".area-view + .map path.leaflet-interactive"))
    assert len(drawn) == 1


def test_designer_takes_more_fields_than_it_first_shows(demo, browser):  # noqa: F811
    """A register of twelve fields: the designer shows ten rows and adds more on demand."""
    sign_in(browser, demo, "nongki", "admin")
    browser.get(f"{demo.base}/t/nongki/datasets/new")
    browser.find_element(By.NAME, "titleTH").send_keys("ทะเบียนร้านค้า")
    browser.find_element(By.NAME, "slug").send_keys("shops-wide")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#field-table tbody.field")) == 10
    for i in range(10):
        browser.find_element(By.NAME, f"fields[{i}][key]").send_keys(f"f{i}")
    # The help of row 9 is set, to see that the added rows start blank.
    browser.find_element(By.NAME, "fields[9][labelTH]").send_keys("ช่องที่สิบ")
    add = browser.find_element(By.ID, "add-field")
    add.click()
    add.click()
    assert len(browser.find_elements(By.CSS_SELECTOR, "#field-table tbody.field")) == 12
    assert browser.find_element(By.NAME, "fields[11][labelTH]").get_attribute("value") == ""
    assert browser.switch_to.active_element.get_attribute("name") == "fields[11][key]"
    browser.find_element(By.NAME, "fields[10][key]").send_keys("owner_phone")
    Select(browser.find_element(By.NAME, "fields[10][type]")).select_by_value("phone")
    browser.find_element(By.NAME, "fields[11][key]").send_keys("opened_on")
    Select(browser.find_element(By.NAME, "fields[11][type]")).select_by_value("date")
    browser.find_element(By.ID, "create-dataset").click()
    WebDriverWait(browser, 15).until(EC.presence_of_element_located((By.ID, "dataset-title")))
    browser.get(f"{demo.base}/t/nongki/datasets/shops-wide/fields")
    keys = [e.get_attribute("value") for e in browser.find_elements(By.CSS_SELECTOR, "input[name$='[key]']") if e.get_attribute("value")]
    assert keys == [f"f{i}" for i in range(10)] + ["owner_phone", "opened_on"], keys
    types = [Select(e).first_selected_option.get_attribute("value") for e in browser.find_elements(By.CSS_SELECTOR, "select[name$='[type]']")][10:12]
    assert types == ["phone", "date"], types
