"""README's newsroom pictures: the site's index and a release page, as chromium shows them.

Run by ``make readme-picture`` after ``make demo`` has built the newsroom of the
repository's releases into build/site/. Debian's chromium, through Playwright
(never a downloaded browser); each picture is kept small (half size, 48 colours).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SITE = REPO / "build" / "site"
PICTURES = {
    "docs/newsroom-index.png": "index.html",
    "docs/newsroom-release.png": "releases/2010-01-28-jonkoping-1-4-miljoner/index.html",
}
VIEWPORT = {"width": 1000, "height": 760}


def main() -> int:
    from PIL import Image
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        print("chromium is not installed: bash scripts/system-deps.sh chromium", file=sys.stderr)
        return 1
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for picture, page_path in PICTURES.items():
            page = browser.new_page(viewport=VIEWPORT)
            page.goto((SITE / page_path).as_uri())
            target = REPO / picture
            page.screenshot(path=str(target))
            page.close()
            image = Image.open(target).convert("RGB")
            image = image.resize((image.width // 2, image.height // 2), Image.Resampling.LANCZOS)
            image.quantize(48).save(target, optimize=True)
            print(f"{picture}: {target.stat().st_size // 1000} kB")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
