#!/usr/bin/env python3
"""browser_test: renders report pages in headless Chromium (Debian's `chromium` package).

For the bank race and a deadlock it makes the page with `interleave run --html`, loads it, and
checks that its script ran with no console message at all (the page logs nothing, so any message
is an error or a warning), that both racing accesses' source lines and the replay command are on
it, and that a deadlock's wait-for graph is drawn; a filter given in the address is applied by the
script. The screenshots stay in the output folder as artefacts. A control page with a script
error must be caught, or the check itself is broken. Without chromium it exits 77 (a skip),
unless BROWSER_REQUIRED=1 (CI's setting), where that is a failure.

    browser_test.py INTERLEAVE SOURCE_DIR OUT_DIR
"""
import html
import os
import re
import shutil
import subprocess
import sys

TIMEOUT = 120  # seconds per page; a loaded machine starts Chromium slowly


def render(chromium, page, out_dir, fragment=""):
    """Loads a page; returns (dom, console lines) and leaves a screenshot next to it."""
    shot = os.path.splitext(page)[0] + (".filtered" if fragment else "") + ".png"
    profile = os.path.join(out_dir, "chromium-profile")
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
           "--enable-logging=stderr", "--v=0", "--user-data-dir=" + profile, "--window-size=1280,1500",
           "--screenshot=" + shot, "--dump-dom", "file://" + os.path.abspath(page) + fragment]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    if done.returncode != 0 or "<html" not in done.stdout:
        fail(f"chromium exited {done.returncode} on {page}:\n{done.stderr[-2000:]}")
    if not os.path.exists(shot):
        fail(f"no screenshot of {page}")
    return done.stdout, console


def fail(message):
    print("browser_test: FAIL: " + message)
    sys.exit(1)


def make_page(interleave, source_dir, scenario, out):
    # Run from the source folder, so the page names the scenario as the user wrote it and finds its lines.
    done = subprocess.run([interleave, "run", scenario, "--no-timing", "--html", out], cwd=source_dir,
                          capture_output=True, text=True, timeout=TIMEOUT)
    if done.returncode != 1 or not os.path.exists(out):
        fail(f"interleave run {scenario} --html exited {done.returncode}:\n{done.stdout}{done.stderr}")


def check_loaded(dom, console, name):
    if console:
        fail(f"{name}: console messages:\n" + "\n".join(console))
    if 'data-ready="yes"' not in dom:
        fail(f"{name}: the page's script did not finish")


def check_bank(dom, scenario_path, scenario):
    lines = open(scenario_path, encoding="utf-8").read().split("\n")
    table = re.search(r'<table class="accesses">(.*?)</table>', dom, re.S)
    if not table:
        fail("bank: no table of racing accesses")
    places = re.findall(re.escape(scenario) + r":(\d+)", table.group(1))
    if len(places) != 2:
        fail(f"bank: expected two racing accesses, found {places}")
    for n in map(int, places):
        row = f'<tr class="hit"><td class="ln">{n}</td><td><code>{html.escape(lines[n - 1], quote=False)}</code>'
        if row not in dom:
            fail(f"bank: racing line {n} ({lines[n - 1].strip()}) is not shown marked")
    if not re.search(r'<code id="replay-1">interleave replay ' + re.escape(scenario) + r" v\d\.[A-Za-z0-9_-]+</code>", dom):
        fail("bank: no replay command")
    if 'data-copy="replay-1"' not in dom:
        fail("bank: no copy button for the replay command")


def check_filter(dom):
    rows = re.findall(r'<tr class="step([^"]*)" data-task="([^"]*)"', dom)
    bob = [cls for cls, task in rows if task == "bob"]
    others = [cls for cls, task in rows if task != "bob"]
    if not bob or not all("match" in cls for cls in bob) or any("match" in cls for cls in others):
        fail("bank#filter=bob: the filter did not mark exactly bob's steps")
    if "steps match" not in dom:
        fail("bank#filter=bob: no count of matching steps")


def check_deadlock(dom):
    if "<svg" not in dom:
        fail("deadlock: no wait-for graph")
    for task in ("left", "right"):
        if not re.search(r'class="node task cycle"><rect[^>]*></rect><text[^>]*>' + task + "<", dom):
            fail(f"deadlock: {task} is not drawn in the cycle")


def main():
    interleave, source_dir, out_dir = sys.argv[1:4]
    # meson may name the command relative to the build folder; the pages are made in the source folder.
    interleave = os.path.abspath(interleave)
    chromium = shutil.which("chromium")
    if chromium is None:
        # CI sets BROWSER_REQUIRED=1: there a missing browser is a broken setup, not a pass.
        if os.environ.get("BROWSER_REQUIRED") == "1":
            fail("chromium is not installed and BROWSER_REQUIRED=1 (scripts/setup installs it unless BROWSER=0)")
        print("browser_test: chromium is not installed (scripts/setup installs it); skipped")
        return 77
    os.makedirs(out_dir, exist_ok=True)

    control = os.path.join(out_dir, "control.html")
    with open(control, "w", encoding="utf-8") as f:
        f.write("<!DOCTYPE html><html><body><script>undefined_function();</script></body></html>\n")
    if not render(chromium, control, out_dir)[1]:
        fail("a page whose script throws showed no console message: the check cannot see errors")

    bank_scn, deadlock_scn = "scenarios/bank_race.scn", "scenarios/deadlock_two_locks.scn"
    bank, deadlock = os.path.join(out_dir, "bank_race.html"), os.path.join(out_dir, "deadlock_two_locks.html")
    make_page(interleave, source_dir, bank_scn, os.path.abspath(bank))
    make_page(interleave, source_dir, deadlock_scn, os.path.abspath(deadlock))

    dom, console = render(chromium, bank, out_dir)
    check_loaded(dom, console, "bank")
    check_bank(dom, os.path.join(source_dir, bank_scn), bank_scn)
    dom, console = render(chromium, bank, out_dir, "#filter=bob")
    check_loaded(dom, console, "bank#filter=bob")
    check_filter(dom)
    dom, console = render(chromium, deadlock, out_dir)
    check_loaded(dom, console, "deadlock")
    check_deadlock(dom)
    for page in (bank, deadlock):
        print(f"browser_test: {os.path.basename(page)}: {os.path.getsize(page)} bytes")
    print(f"browser_test: pages and screenshots in {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
