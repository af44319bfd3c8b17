"""A person in headless Chromium: sign in as a municipal admin, rebrand, switch language, sign out."""
import shutil

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=th"]:
        options.add_argument(arg)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    yield driver
    driver.quit()


def wait(driver):
    return WebDriverWait(driver, 15)


def test_admin_rebrands_switches_language_and_signs_out(demo, browser):
    user, password = demo.logins()[("nongki", "admin")]
    browser.get(demo.base + "/t/nongki")
    assert browser.find_element(By.ID, "tenant-title").text == "เทศบาลตำบลหนองกี่"

    browser.find_element(By.ID, "login-link").click()
    wait(browser).until(EC.presence_of_element_located((By.ID, "username"))).send_keys(user)
    browser.find_element(By.ID, "password").send_keys(password)
    browser.find_element(By.ID, "login-submit").click()
    wait(browser).until(EC.presence_of_element_located((By.ID, "logout")))

    browser.get(demo.base + "/t/nongki/settings")
    name = wait(browser).until(EC.presence_of_element_located((By.ID, "displayNameTH")))
    name.clear()
    name.send_keys("เทศบาลหนองกี่ เมืองน่าอยู่")
    browser.execute_script("document.getElementById('primaryColor').value = '#8e24aa'")
    browser.find_element(By.ID, "settings-save").click()
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".notice")))

    browser.get(demo.base + "/t/nongki")
    assert browser.find_element(By.ID, "tenant-title").text == "เทศบาลหนองกี่ เมืองน่าอยู่"
    assert browser.find_element(By.ID, "site-name").text == "เทศบาลหนองกี่ เมืองน่าอยู่"
    bar = browser.find_element(By.CSS_SELECTOR, ".topbar").value_of_css_property("background-color")
    assert bar in ("rgba(142, 36, 170, 1)", "rgb(142, 36, 170)"), bar

    browser.find_element(By.ID, "lang-switch").click()
    wait(browser).until(EC.text_to_be_present_in_element((By.TAG_NAME, "h2"), "Modules"))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    browser.get(demo.base + "/t/nongki/divisions")          # the choice is remembered
    assert "Divisions" in browser.find_element(By.TAG_NAME, "h1").text

    browser.find_element(By.ID, "logout").click()
    wait(browser).until(EC.presence_of_element_located((By.ID, "login-link")))
    browser.get(demo.base + "/t/nongki/settings")
    assert "Please sign in" in browser.page_source


def test_usable_on_a_360px_phone(demo, browser):
    browser.set_window_size(360, 740)
    try:
        for path in ["/", "/t/hatyai", "/t/hatyai/login"]:
            browser.get(demo.base + path)
            width = browser.execute_script("return document.documentElement.scrollWidth")
            viewport = browser.execute_script("return window.innerWidth")
            assert width <= viewport, f"{path} scrolls sideways: {width} > {viewport}"
    finally:
        browser.set_window_size(1280, 900)
