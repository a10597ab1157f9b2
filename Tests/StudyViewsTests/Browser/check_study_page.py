"""Drives a study page written by `StudyPage` in headless Chromium and prints what it saw as JSON.

Run by StudyPageBrowserTests (Swift), which asserts on the JSON; this script only measures and
reports, so a failing check shows up there with the numbers beside it. It needs selenium and
Debian's chromium with chromium-driver:

    python check_study_page.py --chromium /usr/bin/chromium --page DIR/index.html \
        --drag-parameter dropout --screenshots SHOTS [--large BIG/index.html]

What it does on --page:
  1. loads it from file://, records JS errors (the browser log and a trap installed before any
     script runs) and every resource the page fetched (a self-contained page fetches none);
  2. reads the "N of M trials" line;
  3. brushes through the page's hook, window.atelierPage.brush(name, lo, hi), on the first
     log-scale axis, then also on the first categorical axis (AND), and reads the line again;
  4. drags with the mouse (ActionChains) along --drag-parameter's axis between two values whose
     pixels it computes from the page's axis positions, reads the range the page brushed and
     the line, and then clicks the axis without dragging to clear it;
  5. clicks "best 10 %" and unticks the pruned state, reading the line each time;
  6. clicks the Value header twice and reads the trial numbers of the rows;
  7. saves full-page screenshots before and after filtering and after sorting.
On --large (a 10,000-trial page) it times the load and a brush.
"""

import argparse
import base64
import json
import math
import os
import re
import sys
import time
import traceback

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

ERROR_TRAP = """
window.__pageErrors = [];
window.addEventListener('error', e => window.__pageErrors.push(String(e.message)));
window.addEventListener('unhandledrejection', e => window.__pageErrors.push(String(e.reason)));
"""


def make_driver(chromium, chromedriver):
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000",
                     "--force-device-scale-factor=1", "--hide-scrollbars"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": ERROR_TRAP})
    return driver


def load(driver, path):
    """Opens the page; returns the wall time of the navigation (to the load event) in ms."""
    started = time.perf_counter()
    driver.get("file://" + os.path.abspath(path))
    return (time.perf_counter() - started) * 1000


def errors(driver):
    logged = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    trapped = driver.execute_script("return window.__pageErrors || []")
    return logged + trapped


def resources(driver):
    return driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")


def count_line(driver):
    """The page's "N of M trials" line as (N, M, text)."""
    text = driver.find_element(By.ID, "trial-count").text.strip()
    match = re.fullmatch(r"(\d+) of (\d+) trials", text)
    return (int(match.group(1)), int(match.group(2)), text) if match else (None, None, text)


def page_data(driver):
    return driver.execute_script("return JSON.parse(document.getElementById('study-data').textContent)")


def matching(data, ranges):
    """How many trials have every named parameter's value in its [lo, hi]."""
    names = [p["name"] for p in data["parameters"]]
    total = 0
    for trial in data["trials"]:
        keep = True
        for name, (lo, hi) in ranges.items():
            value = trial["params"][names.index(name)]
            keep = keep and value is not None and lo <= value <= hi
        total += keep
    return total


def screenshot(driver, path):
    """A screenshot of the whole page, not only the window."""
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}})
    with open(path, "wb") as file:
        file.write(base64.b64decode(shot["data"]))
    return path


def axis(driver, name):
    return next(a for a in driver.execute_script("return window.atelierPage.axes()") if a["name"] == name)


def pixel_of(entry, value):
    """The page's own mapping of a value to a y pixel on a numeric axis (CSS pixels, viewport)."""
    lo, hi = entry["domain"]
    x = math.log10(value) if entry["log"] else value
    return entry["bottom"] - (x - lo) / (hi - lo) * (entry["bottom"] - entry["top"])


def value_of(entry, y):
    lo, hi = entry["domain"]
    x = lo + (entry["bottom"] - y) / (entry["bottom"] - entry["top"]) * (hi - lo)
    return 10 ** x if entry["log"] else x


def sorted_numbers(driver):
    return [int(row.find_element(By.CSS_SELECTOR, "td").text)
            for row in driver.find_elements(By.CSS_SELECTOR, "#trial-table tbody tr")]


def check_page(driver, arguments, report):
    report["loadMilliseconds"] = load(driver, arguments.page)
    report["readyMilliseconds"] = driver.execute_script("return window.atelierPage.readyMilliseconds")
    data = page_data(driver)
    report["title"] = driver.find_element(By.TAG_NAME, "h1").text
    shown, total, text = count_line(driver)
    report["initial"] = {"shown": shown, "total": total, "text": text, "trials": len(data["trials"])}
    report["screenshots"].append(screenshot(driver, os.path.join(arguments.screenshots, "page-before.png")))

    # Brushing through the hook, in value units, on a log axis and then also a categorical one.
    log_parameter = next(p for p in data["parameters"] if p["log"])
    categorical = next(p for p in data["parameters"] if p["kind"] == "categorical")
    lo = 10 ** (math.log10(log_parameter["low"]) * 0.7 + math.log10(log_parameter["high"]) * 0.3)
    hi = 10 ** (math.log10(log_parameter["low"]) * 0.3 + math.log10(log_parameter["high"]) * 0.7)
    returned = driver.execute_script("return window.atelierPage.brush(arguments[0], arguments[1], arguments[2])",
                                     log_parameter["name"], lo, hi)
    report["hookBrush"] = {"parameter": log_parameter["name"], "range": [lo, hi], "returned": returned,
                           "shown": count_line(driver)[0], "expected": matching(data, {log_parameter["name"]: (lo, hi)})}
    driver.execute_script("window.atelierPage.brush(arguments[0], 1, 1)", categorical["name"])
    report["hookCombined"] = {"parameters": [log_parameter["name"], categorical["name"]], "shown": count_line(driver)[0],
                              "expected": matching(data, {log_parameter["name"]: (lo, hi), categorical["name"]: (1, 1)})}
    driver.execute_script("window.atelierPage.clear()")
    report["afterHookClear"] = count_line(driver)[0]

    # A real drag with the mouse on --drag-parameter's axis, from 70 % of its range down to 25 %.
    entry = axis(driver, arguments.drag_parameter)
    lo_domain, hi_domain = entry["domain"]
    wanted_hi = lo_domain + 0.70 * (hi_domain - lo_domain)
    wanted_lo = lo_domain + 0.25 * (hi_domain - lo_domain)
    if entry["log"]:
        wanted_hi, wanted_lo = 10 ** wanted_hi, 10 ** wanted_lo
    overlay = driver.find_element(By.ID, "pc-axes")
    # Selenium scrolls the overlay into view before moving; the axis positions are viewport
    # pixels, so they are read after that scroll, and offsets are from the element's centre.
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", overlay)
    entry = axis(driver, arguments.drag_parameter)
    y_start, y_end = pixel_of(entry, wanted_hi), pixel_of(entry, wanted_lo)
    view = driver.execute_script("const r = document.getElementById('pc-axes').getBoundingClientRect(); return [r.left, r.top, r.width, r.height]")
    centre_x, centre_y = view[0] + view[2] / 2, view[1] + view[3] / 2
    steps = 6
    chain = ActionChains(driver).move_to_element_with_offset(overlay, round(entry["x"] - centre_x), round(y_start - centre_y))
    chain.click_and_hold()
    travelled = 0
    for step in range(1, steps + 1):
        target = round((y_end - y_start) * step / steps)
        chain.move_by_offset(0, target - travelled)
        travelled = target
    chain.release().perform()
    brushed = driver.execute_script("return window.atelierPage.brushes()").get(arguments.drag_parameter)
    shown_after_drag = count_line(driver)[0]
    pixel = (hi_domain - lo_domain) / (entry["bottom"] - entry["top"])
    report["drag"] = {
        "parameter": arguments.drag_parameter, "pixels": [y_start, y_end], "requested": [wanted_lo, wanted_hi],
        "pixelValues": [value_of(entry, round(y_start)), value_of(entry, round(y_end))],
        "brushed": brushed, "valuePerPixel": pixel, "shown": shown_after_drag,
        "expected": matching(data, {arguments.drag_parameter: tuple(brushed)}) if brushed else None,
        "expectedFromRequest": matching(data, {arguments.drag_parameter: (wanted_lo, wanted_hi)}),
    }
    report["screenshots"].append(screenshot(driver, os.path.join(arguments.screenshots, "page-filtered.png")))

    # A click on the axis without dragging clears its brush.
    ActionChains(driver).move_to_element_with_offset(overlay, round(entry["x"] - centre_x), round(y_start - centre_y)) \
        .click().perform()
    report["clickClears"] = {"brushes": driver.execute_script("return window.atelierPage.brushes()"),
                             "shown": count_line(driver)[0]}

    # The quick filter: "best 10 %" keeps the trials at least as good as the best tenth of the
    # completed ones (a pruned trial with a good last value passes too: the brush is on values).
    maximize = data["direction"] == "maximize"
    completed = sorted((t["value"] for t in data["trials"] if t["state"] == "COMPLETE" and t["value"] is not None),
                       reverse=maximize)
    threshold = completed[max(0, math.ceil(len(completed) * 0.1) - 1)]
    finite = [t["value"] for t in data["trials"] if t["value"] is not None]
    driver.find_element(By.XPATH, "//button[normalize-space()='best 10 %']").click()
    report["quickFilter"] = {"shown": count_line(driver)[0], "threshold": threshold,
                             "expected": sum(1 for v in finite if (v >= threshold if maximize else v <= threshold))}
    driver.find_element(By.ID, "clear-filters").click()
    # States: unticking "pruned" hides the pruned trials; ticking it again brings them back.
    box = driver.find_element(By.CSS_SELECTOR, 'input[data-state="PRUNED"]')
    box.click()
    hidden = count_line(driver)[0]
    box.click()
    report["statesFilter"] = {"shown": hidden, "expected": sum(1 for t in data["trials"] if t["state"] != "PRUNED"),
                              "again": count_line(driver)[0]}

    # Sorting by value: ascending, then descending, missing values last both times.
    values = {t["number"]: t["value"] for t in data["trials"]}
    header = driver.find_element(By.CSS_SELECTOR, '#trial-table th[data-key="value"]')
    header.click()
    ascending = [values[n] for n in sorted_numbers(driver)]
    header = driver.find_element(By.CSS_SELECTOR, '#trial-table th[data-key="value"]')
    header.click()
    descending = [values[n] for n in sorted_numbers(driver)]

    def in_order(listed, reverse):
        present = [v for v in listed if v is not None]
        missing_last = all(v is None for v in listed[len(present):])
        return missing_last and present == sorted(present, reverse=reverse)

    finite = sorted(v for v in values.values() if v is not None)
    report["sort"] = {"ascendingRows": len(ascending), "ascending": in_order(ascending, False),
                      "descending": in_order(descending, True),
                      "firstAscending": ascending[0] if ascending else None, "smallest": finite[0] if finite else None,
                      "firstDescending": descending[0] if descending else None, "largest": finite[-1] if finite else None,
                      "headerArrow": driver.find_element(By.CSS_SELECTOR, '#trial-table th[data-key="value"] .arrow').text}
    report["screenshots"].append(screenshot(driver, os.path.join(arguments.screenshots, "page-sorted.png")))
    report["errors"] = errors(driver)
    report["resources"] = resources(driver)


def check_large(driver, arguments, report):
    large = {"loadMilliseconds": load(driver, arguments.large)}
    large["readyMilliseconds"] = driver.execute_script("return window.atelierPage.readyMilliseconds")
    large["trials"] = driver.execute_script("return window.atelierPage.total")
    large["firstDrawMilliseconds"] = driver.execute_script("return window.atelierPage.lastDrawMilliseconds()")
    data = page_data(driver)
    name = next(p["name"] for p in data["parameters"] if p["kind"] != "categorical")
    entry = axis(driver, name)
    lo, hi = entry["domain"]
    if entry["log"]:
        lo, hi = 10 ** lo, 10 ** hi
    started = time.perf_counter()
    shown = driver.execute_script("return window.atelierPage.brush(arguments[0], arguments[1], arguments[2])",
                                  name, lo + (hi - lo) * 0.2, hi - (hi - lo) * 0.2)
    large["brushRoundTripMilliseconds"] = (time.perf_counter() - started) * 1000
    large["brushUpdateMilliseconds"] = driver.execute_script("return window.atelierPage.lastUpdateMilliseconds()")
    large["brushDrawMilliseconds"] = driver.execute_script("return window.atelierPage.lastDrawMilliseconds()")
    large["shownAfterBrush"] = shown
    large["screenshot"] = screenshot(driver, os.path.join(arguments.screenshots, "large-filtered.png"))
    large["errors"] = errors(driver)
    report["large"] = large


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--chromium", required=True)
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    parser.add_argument("--page", required=True)
    parser.add_argument("--drag-parameter", required=True)
    parser.add_argument("--screenshots", required=True)
    parser.add_argument("--large")
    arguments = parser.parse_args()
    os.makedirs(arguments.screenshots, exist_ok=True)
    report = {"screenshots": []}
    driver = make_driver(arguments.chromium, arguments.chromedriver)
    try:
        check_page(driver, arguments, report)
        if arguments.large:
            check_large(driver, arguments, report)
    except Exception:
        report["failure"] = traceback.format_exc()
    finally:
        driver.quit()
    json.dump(report, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
