"""Signs in as each demo user in headless Chromium and saves the home page and the dashboard, desktop and phone.

Usage: python scripts/screenshots.py BASE_URL OUT_DIR (scripts/screenshots.sh starts a demo server first)."""

import os
import sys
import time
import urllib.request
from pathlib import Path

import django
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaifaqu.settings")
django.setup()
from kaifaqu.demo.builder import DEMO_PASSWORD, DEMO_USERS  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
PAGES = {"home": "/", "dashboard": "/dashboard/", "projects": "/projects/"}


def wait_for(base: str, seconds: int = 60) -> None:
    for _ in range(seconds * 2):
        try:
            urllib.request.urlopen(f"{base}/accounts/login/", timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{base} did not answer within {seconds} s")


def main(base: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    wait_for(base)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for username, *_ in DEMO_USERS:
            for size, viewport in SIZES.items():
                phone = size == "phone"
                context = browser.new_context(base_url=base, locale="zh-CN", viewport=viewport, is_mobile=phone)
                page = context.new_page()
                page.goto("/accounts/login/")
                page.fill("#id_username", username)
                page.fill("#id_password", DEMO_PASSWORD)
                page.click("#login")
                page.wait_for_load_state("networkidle")
                for name, url in PAGES.items():
                    page.goto(url)
                    page.wait_for_load_state("networkidle")
                    page.wait_for_timeout(300)  # the charts' first frame
                    path = out / f"{username}-{name}-{size}.png"
                    page.screenshot(path=str(path), full_page=True)
                    print(path)
                # The latest bulletin the user can read (the demo publishes last month's province bulletin).
                page.goto("/bulletins/")
                first = page.locator("main table tbody a").first
                if first.count():
                    first.click()
                    page.wait_for_load_state("networkidle")
                    path = out / f"{username}-bulletin-{size}.png"
                    page.screenshot(path=str(path), full_page=True)
                    print(path)
                context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), Path(sys.argv[2]))
