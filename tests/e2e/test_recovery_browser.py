"""The recovery workbench in headless Chromium: three old copies with different columns become
one register, the person settles a disagreement, and every value names its source."""
import os
import tempfile

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import run_cli
from test_browser import browser  # noqa: F401
from test_city_database_browser import sign_in


def test_recover_three_copies(demo, browser):  # noqa: F811
    folder = tempfile.mkdtemp()
    copies = {
        "2564.csv": ("citizen_id,name\r\n1103702021334,สมหมาย ใจงาม\r\n3100600123450,บุญเรือน ศรีสุข\r\n", "cp874", "31/12/2564"),
        "2565.csv": ("ชื่อ,โทรศัพท์\r\nนายสมหมาย  ใจงาม,๐๘๑๒๓๔๕๖๗๘\r\nนางบุญเรือน ศรีสุข,0891112222\r\n", "utf-8-sig", "31/12/2565"),
        "2566.csv": ("citizen_id,name,โทรศัพท์\r\n1103702021334,สมหมาย ใจงาม,0819999999\r\n1101700000010,แก้ว ใหม่,\r\n", "utf-8", "31/12/2566"),
    }
    sign_in(browser, demo, "hatyai", "admin")
    browser.get(f"{demo.base}/t/hatyai/recovery")
    for i, (name, (text, encoding, date)) in enumerate(copies.items()):
        path = os.path.join(folder, name)
        with open(path, "wb") as f:
            f.write(text.encode(encoding))
        browser.find_element(By.NAME, f"file{i}").send_keys(path)
        browser.find_element(By.NAME, f"name{i}").send_keys("ทะเบียน " + name[:4])
        browser.find_element(By.NAME, f"date{i}").send_keys(date)
    browser.find_element(By.ID, "recovery-next").click()
    WebDriverWait(browser, 15).until(EC.presence_of_element_located((By.ID, "recovery-fields")))
    # Copy 2565 calls the name column "ชื่อ": map it to the name field by hand.
    name_field = next(o.get_attribute("value") for o in browser.find_elements(By.CSS_SELECTOR, "select[name='map0_1'] option")
                      if o.text == "name")
    from selenium.webdriver.support.ui import Select
    Select(browser.find_element(By.NAME, "map1_0")).select_by_value(name_field)
    Select(browser.find_element(By.NAME, "key_name")).select_by_value(name_field)
    browser.find_element(By.ID, "recovery-match").click()
    WebDriverWait(browser, 15).until(EC.presence_of_element_located((By.ID, "recovery-summary")))
    assert browser.find_element(By.ID, "recovered-count").text == "3"
    assert browser.find_element(By.ID, "conflict-count").text == "1"
    # The newest copy's phone is suggested; the person picks the 2565 number instead.
    radios = browser.find_elements(By.CSS_SELECTOR, "#conflicts input[type=radio]")
    assert any(r.is_selected() and r.get_attribute("value") == "ทะเบียน 2566" for r in radios)
    next(r for r in radios if r.get_attribute("value") == "ทะเบียน 2565").click()
    browser.find_element(By.NAME, "slug").clear()
    browser.find_element(By.NAME, "slug").send_keys("recovered-people")
    browser.find_element(By.ID, "recovery-save").click()
    WebDriverWait(browser, 15).until(EC.presence_of_element_located((By.ID, "record-table")))
    assert "3" in browser.find_element(By.ID, "record-count").text

    token = run_cli("token", "create", "--tenant", "hatyai", "--user", "admin", "--data-dir", demo.data_dir).stdout.strip()
    records = requests.get(f"{demo.base}/api/v1/t/hatyai/datasets/recovered-people/records",
                           headers={"Authorization": f"Bearer {token}"}).json()["items"]
    somchai = next(r["values"] for r in records if "สมหมาย" in r["values"].get("f2", "") + r["values"].get("f1", ""))
    phone = [v for k, v in somchai.items() if k not in ("recovered_from",) and str(v).startswith("08")]
    assert phone == ["0812345678"], somchai
    assert "ทะเบียน 2565" in somchai["recovered_from"]
