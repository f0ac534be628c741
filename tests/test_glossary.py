"""One glossary for the six addons' catalogues (docs/glossary.md).

Each key term is translated the same way in every addon, the variants the
glossary bans appear nowhere (some only in what the customer reads), and the
customer is addressed in one register per language. Reads files only: no
database.
"""

import os
import re

import polib

from odoo.tests import BaseCase, tagged

ROOT = os.path.join(os.path.dirname(__file__), os.pardir)
GLOSSARY = os.path.join(ROOT, "docs", "glossary.md")
ADDONS = (
    "customer_care",
    "customer_care_stock",
    "customer_care_website",
    "customer_care_dashboard",
    "customer_care_messaging",
    "customer_care_livechat",
)
LANGS = ("vi", "th", "zh_CN", "zh_TW")
# labels, buttons, menus, selection values: short enough that the term's
# translation must appear word for word; longer texts only avoid the banned
SHORT = 40
# where the customer reads the text: templates, survey, portal, website form
CUSTOMER_FACING = re.compile(
    r"^model:(mail\.template|sms\.template|customer\.care\.messaging\.template"
    r"|customer\.care\.messaging\.account,greeting|survey\.|website\.menu)"
    r"|^model_terms:survey\."
    r"|arch_db:[a-z_]+\.(portal_|report_problem)"
    r"|^code:addons/customer_care_website/"
    r"|^code:addons/[a-z_]+/controllers/"
)


def _cells(line):
    """The cells of a Markdown table row; ``\\|`` is a literal bar."""
    cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
    return [cell.strip().replace("\\|", "|") for cell in cells]


def _unquote(cell):
    return cell[1:-1] if cell.startswith("`") and cell.endswith("`") else cell


def read_glossary(path=GLOSSARY):
    """``(terms, banned, exceptions)`` from the tables of the glossary:
    terms ``[(english_variants, {lang: alternatives})]``, banned
    ``[(lang, regex, customer_only)]``, exceptions ``{(term or banned
    pattern, msgid or, for a pattern, the start of the msgids)}``."""
    sections, current = {}, None
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("## "):
                current = line[3:].strip().lower()
            elif line.startswith("|") and current and not line.startswith("|---"):
                sections.setdefault(current, []).append(_cells(line))
    terms = [
        (
            [word.strip() for word in row[0].split(" / ")],
            {
                lang: [alt.strip() for alt in row[i + 1].split(" / ")]
                for i, lang in enumerate(LANGS)
            },
        )
        for row in sections["terms"][1:]
    ]
    banned = [
        (row[0], re.compile(_unquote(row[1])), row[3] == "customer")
        for row in sections["banned variants"][1:]
    ]
    exceptions = {(_unquote(row[0]), row[1]) for row in sections["exceptions"][1:]}
    return terms, banned, exceptions


def term_pattern(english):
    """The English term as a whole word, any case, an ``s`` plural allowed;
    a space or a hyphen between its words match each other."""
    words = [re.escape(word) for word in re.split(r"[ -]", english)]
    return re.compile(r"\b" + r"[ -]".join(words) + r"(e?s)?\b", re.IGNORECASE)


def is_customer_facing(entry):
    return any(CUSTOMER_FACING.search(source) for source, _line in entry.occurrences)


def catalogues():
    """``(addon, lang, entries)`` for each catalogue of the six addons."""
    for addon in ADDONS:
        for lang in LANGS:
            path = os.path.join(ROOT, addon, "i18n", f"{lang}.po")
            yield addon, lang, [e for e in polib.pofile(path) if e.msgstr and not e.obsolete]


def banned_variants(glossary=None, catalogue_list=None):
    """``[(addon, lang, msgid, banned pattern, msgstr)]``: the banned variants
    found in the catalogues."""
    _terms, banned, exceptions = glossary or read_glossary()
    found = []
    for addon, lang, entries in catalogue_list or catalogues():
        rules = [(regex, customer) for code, regex, customer in banned if code == lang]
        for entry in entries:
            for regex, customer_only in rules:
                if customer_only and not is_customer_facing(entry):
                    continue
                if any(
                    rule == regex.pattern and entry.msgid.startswith(start)
                    for rule, start in exceptions
                ):
                    continue
                if regex.search(entry.msgstr):
                    found.append((addon, lang, entry.msgid, regex.pattern, entry.msgstr))
    return found


def off_glossary(glossary=None, catalogue_list=None):
    """``[(addon, lang, msgid, english term, msgstr)]``: the short labels
    whose translation does not use the glossary's word for a term they
    contain."""
    terms, _banned, exceptions = glossary or read_glossary()
    patterns = [
        (variants[0], [term_pattern(word) for word in variants], alternatives)
        for variants, alternatives in terms
    ]
    found = []
    for addon, lang, entries in catalogue_list or catalogues():
        for entry in entries:
            if len(entry.msgid) > SHORT:
                continue
            for english, regexes, alternatives in patterns:
                if (english, entry.msgid) in exceptions:
                    continue
                if not any(regex.search(entry.msgid) for regex in regexes):
                    continue
                msgstr = entry.msgstr.lower()
                if not any(alt.lower() in msgstr for alt in alternatives[lang]):
                    found.append((addon, lang, entry.msgid, english, entry.msgstr))
    return found


def _report(found):
    return "\n".join(
        f"{a} {lang}: {msgid!r} [{rule}] -> {msgstr!r}" for a, lang, msgid, rule, msgstr in found
    )


@tagged("post_install", "-at_install")
class TestGlossary(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.glossary = read_glossary()
        cls.catalogues = list(catalogues())

    def test_the_glossary_covers_the_key_terms_in_every_language(self):
        terms, banned, _exceptions = self.glossary
        english = {variant for variants, _alts in terms for variant in variants}
        for term in ("care group", "care plan", "incident", "drop", "outreach", "chat app"):
            self.assertIn(term, english)
        for _variants, alternatives in terms:
            for lang in LANGS:
                self.assertTrue(all(alternatives[lang]), f"{_variants} has no {lang} form")
        self.assertEqual({lang for lang, _regex, _customer in banned}, set(LANGS))
        self.assertEqual(len(self.catalogues), len(ADDONS) * len(LANGS))

    def test_no_catalogue_uses_a_banned_variant(self):
        found = banned_variants(self.glossary, self.catalogues)
        self.assertEqual(len(found), 0, f"banned variants:\n{_report(found)}")

    def test_each_term_is_translated_as_in_the_glossary_in_every_addon(self):
        found = off_glossary(self.glossary, self.catalogues)
        self.assertEqual(len(found), 0, f"labels off the glossary:\n{_report(found)}")

    def test_the_checks_catch_a_wrong_translation(self):
        """The rules fire on a label and a customer text that break them."""
        label = polib.POEntry(msgid="Drop Customer", msgstr="解雇客户")
        mail = polib.POEntry(
            msgid="Thank you!",
            msgstr="谢谢你",
            occurrences=[("model:mail.template,body_html:customer_care.x", "")],
        )
        staff = polib.POEntry(msgid="Thank you!", msgstr="谢谢你")
        fake = [("customer_care", "zh_CN", [label, mail, staff])]
        banned = {(msgid, rule) for _a, _l, msgid, rule, _s in banned_variants(self.glossary, fake)}
        self.assertEqual(banned, {("Drop Customer", "解雇"), ("Thank you!", "你")})
        off = {(msgid, term) for _a, _l, msgid, term, _s in off_glossary(self.glossary, fake)}
        self.assertEqual(off, {("Drop Customer", "drop")})
