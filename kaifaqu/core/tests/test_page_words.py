"""No English, no raw value, no None, no ISO timestamp and no ASCII punctuation in Chinese text on a Chinese
page: every page every role reaches from its home page (menus, lists, detail pages, forms) is rendered in
zh-hans and read as a user reads it."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from kaifaqu.testing.scope_matrix import World

# Words a Chinese page may carry in Latin letters: file formats and standard names, the unit marks.
ALLOWED = {
    "Excel", "API", "PDF", "Word", "GB", "GeoJSON", "xlsx", "docx", "pdf", "csv", "ID", "PPP", "EPC",
    "m²", "km", "kW", "MW", "GDP", "R&D", "CSRF", "Kaifaqu",
}  # fmt: skip
WORD = re.compile(r"[A-Za-z][A-Za-z_&]{2,}")
NONE = re.compile(r"\bNone\b")
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
# Chinese text takes full-width punctuation: an ASCII , ; : ? ! ( ) or a closing . next to a Chinese character.
CJK = "\u3400-\u9fff\uf900-\ufaff"
ASCII_MARK = re.compile(rf"(?<=[{CJK}])[ ]?[,;:?!()]|[,;:?!()][ ]?(?=[{CJK}])|(?<=[{CJK}])\.(?=\s|$)")
SKIP = ("/logout", "/api/", "/admin/", "/static/", "/media/", "/i18n/", "/public/")
SKIP_QUERY = ("export=", "format=", "download")
# Not read as words: code, styles, and <code>, which shows a value as typed (query codes, credit codes).
VALUE_TAGS = ("script", "style", "template", "noscript", "code")
LIMIT = 400  # pages per user: every menu entry, list, first detail, form


class _Page(HTMLParser):
    """The text a reader sees (not scripts, styles or hidden data) and the page's same-site links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in VALUE_TAGS:
            self._skip += 1
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        for name in ("title", "placeholder", "aria-label", "alt"):
            if a.get(name):
                self.text.append(a[name])

    def handle_endtag(self, tag):
        if tag in VALUE_TAGS and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.text.append(data.strip())


def _faults(text: str, usernames: set[str]) -> list[str]:
    for name in sorted(usernames, key=len, reverse=True):  # the test world's people are named in Latin
        text = text.replace(name, "")
    found = []

    def around(m):
        return text[max(0, m.start() - 12) : m.end() + 12].replace("\n", " ")

    for m in WORD.finditer(text):
        if m.group() not in ALLOWED and m.group() != "None":  # None has its own message
            found.append(f"English “{m.group()}” in “{around(m)}”")
    found += [f"None in “{around(m)}”" for m in NONE.finditer(text)]
    found += [f"ISO timestamp “{m.group()}”" for m in ISO_TIME.finditer(text)]
    found += [f"ASCII “{m.group().strip()}” in Chinese text “{around(m)}”" for m in ASCII_MARK.finditer(text)]
    return found


def crawl(client, usernames) -> tuple[dict[str, list[str]], int]:
    """({url: faults}, pages read) over the pages reachable from the home page (breadth first, GET only)."""
    seen, queue, faults, read = set(), ["/"], {}, 0
    while queue and len(seen) < LIMIT:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        r = client.get(url)
        if r.status_code != 200 or "text/html" not in r.get("Content-Type", ""):
            continue
        read += 1
        page = _Page()
        page.feed(r.content.decode())
        text = "\n".join(page.text)
        problems = _faults(text, usernames)
        if problems:
            faults[url] = sorted(set(problems))
        for href in page.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if parts.path.startswith(SKIP) or any(q in parts.query for q in SKIP_QUERY):
                continue
            if "page=" in parts.query or "sort=" in parts.query:  # the same page, another slice
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen:
                queue.append(target)
    return faults, read


@pytest.fixture
def world(db):
    return World()


ROLES = ["province", "city_a", "zone_a", "agent_a", "ent1"]


@pytest.mark.parametrize("who", ROLES)
def test_no_english_none_or_iso_timestamp_on_any_page(who, world, client):
    client.force_login(world.users[who])
    usernames = {n for u in world.users.values() for n in (u.username, u.full_name)}
    faults, read = crawl(client, usernames)
    assert read >= 25, f"only {read} pages read: the crawl did not reach the menus"
    report = "\n".join(f"{url}: {', '.join(p)}" for url, p in sorted(faults.items()))
    assert not faults, f"{len(faults)} pages of {who}:\n{report}"


def test_the_reader_flags_english_none_and_timestamps_but_not_values():
    page = _Page()
    page.feed(
        '<p title="Status">由 None 发布于 2026-12-02 10:00</p><p>查询码：<code>Z6WN6UHN</code> 共 3 个 PDF</p>'
        "<p>总投资(万元)</p><p>已保存.</p><p>10:00, 3.5, (A)</p>"
    )
    faults = _faults("\n".join(page.text), set())
    assert [f.split(" in ")[0] for f in faults] == [
        "English “Status”",
        "None",
        "ISO timestamp “2026-12-02 10:00”",
        "ASCII “(”",
        "ASCII “)”",
        "ASCII “.”",
    ]


def test_amounts_and_moments_are_shown_as_a_chinese_page_needs(db, client_for, alice, zone_a):
    """A summed amount loses the zeros the database leaves (17510.59000000000), an amount in 万元 has two decimals
    (written as Chinese statistics write it, without thousands separators), and a moment is in the Chinese date
    format, never ISO."""
    import datetime
    from decimal import Decimal

    from django.template import Context, Template
    from django.utils import timezone

    from kaifaqu.core.views import format_value

    assert format_value(Decimal("17510.59000000000")) == "17510.59"
    moment = timezone.make_aware(datetime.datetime(2026, 12, 2, 9, 5))
    shown = format_value(moment)
    assert "2026年12月2日" in shown and not ISO_TIME.search(shown)
    page = Template("{% load kaifaqu %}{{ a|wan }} {{ b|wan }} {{ c|wan }}").render(
        Context({"a": Decimal("17510.59000000000"), "b": Decimal("1000"), "c": None})
    )
    assert page == "17510.59 1000.00 —"
