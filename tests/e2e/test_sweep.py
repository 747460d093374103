# SPDX-License-Identifier: Apache-2.0
"""The design sweep: every page and state, in Kyrgyz, Russian and English, at 360 and 1280 px, in Debian's
Chromium, on the Samarkandek demo data.

On each it fails on: a page wider than the screen (`scrollWidth > innerWidth`), any axe-core violation
(axe from frontend/package-lock.json, injected by Playwright; WCAG 2.0/2.1/2.2 A and AA and best
practices), and English words on a Kyrgyz or Russian page outside the allow-list of proper names below.
It writes screenshots of the main pages to var/screenshots/ (SHAILOO_SCREENSHOTS overrides; CI keeps it).
One browser; one context per language and role; each page is loaded once and checked at both widths.
"""
import datetime as dt
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.test.client import Client
from django.urls import reverse

from shailoo.cabinet.models import Application
from shailoo.cabinet.services import Claim, file_application
from shailoo.commission import demo as commission_demo
from shailoo.commission import services as commission_services
from shailoo.crypto.credential import credential_key
from shailoo.elections.models import Candidate, Constituency, Election
from shailoo.evoting import demo as evoting_demo
from shailoo.evoting import services as evoting_services
from shailoo.lookup import demo as lookup_demo
from shailoo.register.demo import load_demo
from shailoo.register.models import Citizen, VoterListEntry
from shailoo.results import demo as results_demo
from shailoo.results.models import Protocol
from shailoo.tunduk.session import start_voter_session
from tests.cabinet.helpers import png_bytes, upload

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PROJECT = Path(__file__).resolve().parents[2]
AXE = PROJECT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(os.environ.get("SHAILOO_SCREENSHOTS", PROJECT / "var" / "screenshots"))
WIDTHS = (360, 1280)
LANGUAGES = ("ky", "ru", "en")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
# Every axe rule runs at 360 px. At 1280 px only the rules whose answer depends on the layout run again:
# the others read the document, which is the same at both widths (half the sweep's time).
AXE_LAYOUT_RULES = ["color-contrast", "target-size", "scrollable-region-focusable", "frame-focusable-content"]

# Latin-script words a Kyrgyz or Russian page may show: proper names, standards, file formats and
# abbreviations that both languages write in Latin letters. Code (<code>), parts marked lang="en" (the API
# reference, the language switch's "English") and translate="no" (a file's name) are not looked at.
ALLOWED_LATIN = {
    "OpenStreetMap", "SMS", "ID", "QR", "PDF", "PNG", "JPEG", "API", "OpenAPI", "WCAG", "AA", "axe-core",
    "JavaScript", "Apache", "License", "cookie", "Cookie", "csrftoken",
}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")

TEXT_OF_PAGE = """() => {
  const skip = el => el.closest('code, pre, script, style, [lang="en"], [translate="no"]');
  const texts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (parent && !skip(parent)) texts.push(walker.currentNode.textContent);
  }
  for (const el of document.querySelectorAll('[alt], [aria-label], [title], [placeholder]')) {
    if (skip(el)) continue;
    for (const name of ['alt', 'aria-label', 'title', 'placeholder']) {
      if (el.hasAttribute(name)) texts.push(el.getAttribute(name));
    }
  }
  return texts.join('\\n');
}"""

RUN_AXE = """async (only) => {
  const result = await axe.run(document, {runOnly: only, resultTypes: ['violations']});
  return result.violations.map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; ')}`);
}"""


@dataclass
class Demo:
    """The demo election with applications in every state, and the people who see them."""

    election: object
    precinct: object
    listed: Citizen  # on the list, a correction open (with a scan), one approved and one rejected before
    fresh: Citizen  # on the list, nothing filed: sees the forms
    evoter: Citizen  # votes electronically
    ineligible: Citizen
    unserved: Citizen
    open_application: Application
    decided_application: Application
    member: object  # precinct commission member of the precinct
    operator: object
    evote_receipt: dict  # a ballot cast on the e-voting board of constituency 1 (after a checked one)
    cec: object = None  # the CEC administrator: the key ceremony's pages
    setup_election: object = None  # a second e-voting election whose board is being set up: the CEC's forms
    demo_evoter: Citizen = None  # one of the demo's e-voters with a credential: the booth while the polls are open
    sessions: dict = field(default_factory=dict)


def _demo() -> Demo:
    class Quiet:
        def write(self, *_args, **_kwargs):
            pass

    election = load_demo(election_day=None, out=Quiet())
    commission_demo.seed(election=election, out=Quiet())
    lookup_demo.seed(election=election, out=Quiet())
    evoting_demo.seed(election=election, out=Quiet(), folder=Path(tempfile.mkdtemp()))
    evote_receipt = evoting_demo.cast_demo_ballot(election)
    results_demo.seed(election=election, out=Quiet())
    entries = VoterListEntry.objects.filter(election=election).select_related("citizen", "precinct")
    listed = entries.filter(status="listed", voting_mode="paper", precinct__number="8101").order_by("pk")
    first, fresh, evoter = (entry.citizen for entry in listed[:3])
    precinct = listed[0].precinct
    member = get_user_model().objects.get(username=f"uchastok{precinct.number}")
    operator = get_user_model().objects.get(username=lookup_demo.OPERATOR_USERNAME)

    decided = file_application(
        kind=Application.Kind.CORRECTION, election=election, pin=first.pin, phone="+996555000111",
        claim=Claim(what_is_wrong="Көчөм туура эмес жазылган", values={"street": "Манас", "house": "15А"}),
        scan=upload(png_bytes()), language="ky",
    )
    commission_services.record_biometric_check(application=decided, actor=member, confirmed=True, note="ID")
    commission_services.approve_application(application=decided, actor=member, reason="паспорт текшерилди")
    rejected = file_application(
        kind=Application.Kind.CORRECTION, election=election, pin=first.pin, phone="+996555000111",
        claim=Claim(what_is_wrong="Атым туура эмес", values={"name": "Айгерим"}), scan=upload(png_bytes()),
        language="ru",
    )
    commission_services.reject_application(application=rejected, actor=member,
                                           reason="Паспорттогу аты тизмедегидей")
    open_application = file_application(
        kind=Application.Kind.CORRECTION, election=election, pin=first.pin, phone="+996555000111",
        claim=Claim(what_is_wrong="Фамилиям ката жазылган", values={"surname": "Абдыкадырова"}),
        scan=upload(png_bytes()), language="ky",
    )
    evoting = file_application(
        kind=Application.Kind.EVOTING, election=election, pin=evoter.pin, phone="+996555000112",
        channel=Application.Channel.WALK_IN, actor=member, language="ky",
    )
    commission_services.record_biometric_check(application=evoting, actor=member, confirmed=True)
    commission_services.approve_application(application=evoting, actor=member)
    demo_evoter_application = (Application.objects.filter(election=election, kind=Application.Kind.EVOTING)
                                .exclude(credential_public_key="").order_by("-pk").first())
    return Demo(
        setup_election=_election_being_set_up(election), demo_evoter=demo_evoter_application.citizen,
        election=election, precinct=precinct, listed=first, fresh=fresh, evoter=evoter,
        cec=get_user_model().objects.get(username="cec"),
        ineligible=entries.filter(status="ineligible", reasons__contains="no_biometrics").first().citizen,
        unserved=entries.filter(status="unassigned").first().citizen,
        open_application=open_application, decided_application=decided, member=member, operator=operator,
        evote_receipt=evote_receipt,
    )


def _election_being_set_up(demo_election) -> Election:
    """The demo's election is past its set-up: a by-election of the same council with one constituency and
    its board created, whose holders are not named and whose polls can still change."""
    election = Election.objects.create(
        kenesh=demo_election.kenesh, name_ky=f"{demo_election.name_ky} (кайра шайлоо)",
        name_ru=f"{demo_election.name_ru} (повторные выборы)", slug=f"{demo_election.slug}-kaira",
        election_day=demo_election.election_day + dt.timedelta(days=90), evoting=True)
    first = demo_election.constituencies.order_by("number").first()
    constituency = Constituency.objects.create(election=election, number=1, name_ky=first.name_ky,
                                               name_ru=first.name_ru, seats=1)
    constituency.precincts.set(first.precincts.all())
    for order, candidate in enumerate(Candidate.objects.filter(constituency=first).order_by("ballot_order")[:3], 1):
        Candidate.objects.create(election=election, constituency=constituency, ballot_order=order,
                                 gender=candidate.gender, surname=candidate.surname, name=candidate.name)
    evoting_services.create_boards(election, by=None)
    return election


def _voter_session(pin: str, name: str) -> str:
    request = RequestFactory().get("/")
    request.session = SessionStore()
    start_voter_session(request, pin=pin, claims={"given_name": name, "sub": pin})
    request.session.save()
    return request.session.session_key


def _stored_key(demo: Demo) -> str:
    seed = evoting_demo.demo_seed(demo.demo_evoter.pin)
    value = json.dumps({"seed": seed.hex(), "public_key": credential_key(seed).public.hex()})
    return f"window.localStorage.setItem({json.dumps('shailoo.credential.' + demo.election.slug)}, {json.dumps(value)});"


def _staff_session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@dataclass
class Visit:
    name: str
    role: str  # anonymous, voter, fresh_voter, unregistered_voter, demo_evoter(_keyed), member, operator, cec
    path: str
    status: int = 200
    act: object = None  # a function(page) that puts the page into the state to check (fills, submits)
    screenshot: bool = False
    then: object = None  # a function(page) run after loading, within the page (a script's step): waits for it


def _check_pin(pin: str):
    def act(page):
        page.fill("#id_pin", pin)
        # The check page's widget sends the form only once its proof of work is done: wait for that.
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        page.wait_for_load_state()
    return act


def _submit(selector: str = "main form[method=post] button[type=submit]", files: dict | None = None,
            fill: dict | None = None):
    def act(page):
        for name, value in (fill or {}).items():
            page.fill(name, value)
        for name, payload in (files or {}).items():
            page.set_input_files(name, files=[payload])
        page.click(selector)
        page.wait_for_load_state()
    return act


def _booth_step(step: str, *, mark: bool = False, press: str = ""):
    """Wait for the booth's script to show `step`; with `mark`, mark the first candidate and encrypt first;
    with `press`, then press that button of the sealed ballot (check it, or cast it)."""
    def then(page):
        if mark:
            page.locator("[data-step=mark]:not([hidden])").wait_for()
            page.locator("[data-step=mark] input[type=checkbox]").first.check()
            page.locator("[data-step=mark] button[type=submit]").click()
        if press:
            page.locator("[data-step=sealed]:not([hidden])").wait_for()
            page.locator(press).click()
        page.locator(f"[data-step={step}]:not([hidden])").wait_for()
    return then


def _visits(demo: Demo) -> list[Visit]:
    results_protocol = Protocol.objects.filter(precinct=demo.precinct).order_by("pk").first()
    results_unit = Protocol.objects.filter(constituency__election=demo.election, constituency__number=1).order_by(
        "precinct__number").first().precinct.number
    election, precinct = demo.election.pk, demo.precinct.number
    setup = demo.setup_election.slug
    settlement = demo.precinct.address_ranges.first().settlement_id
    scan = {"name": "passport.png", "mimeType": "image/png", "buffer": png_bytes()}
    return [
        Visit("home", "anonymous", "/", screenshot=True),
        Visit("check", "anonymous", "/check/"),
        Visit("check-invalid-pin", "anonymous", "/check/", 400, _check_pin("12345"), screenshot=True),
        Visit("check-listed", "anonymous", "/check/", act=_check_pin(demo.fresh.pin), screenshot=True),
        Visit("check-evoter", "anonymous", "/check/", act=_check_pin(demo.evoter.pin)),
        Visit("check-ineligible", "anonymous", "/check/", act=_check_pin(demo.ineligible.pin), screenshot=True),
        Visit("check-unserved", "anonymous", "/check/", act=_check_pin(demo.unserved.pin)),
        Visit("check-not-listed", "anonymous", "/check/", act=_check_pin("21705199099999")),
        Visit("where", "anonymous", "/where/"),
        Visit("where-streets", "anonymous", f"/where/?settlement={settlement}"),
        Visit("where-found", "anonymous", f"/where/?settlement={settlement}&street=Мектеп&house=12А", screenshot=True),
        Visit("where-none", "anonymous", f"/where/?settlement={settlement}&street=&house=99999"),
        Visit("where-bad-house", "anonymous", f"/where/?settlement={settlement}&street=Мектеп&house=абв", 400),
        Visit("precinct", "anonymous", f"/precincts/{precinct}/"),
        Visit("precinct-unknown", "anonymous", "/precincts/9999/", 404),
        Visit("not-found", "anonymous", "/no/such/page/", 404, screenshot=True),
        Visit("error-400", "anonymous", "/__sweep__/400", 400),
        Visit("error-403", "anonymous", "/__sweep__/403", 403),
        Visit("error-500", "anonymous", "/__sweep__/500", 500),
        Visit("privacy", "anonymous", "/privacy/"),
        Visit("accessibility", "anonymous", "/accessibility/"),
        Visit("api-docs", "anonymous", "/api/docs"),
        Visit("signed-out", "anonymous", "/logout/"),
        Visit("tunduk-error", "anonymous", "/login/tunduk/callback/?state=forged&code=x", 503),
        Visit("staff-login", "anonymous", reverse("commission:login")),
        Visit("staff-login-error", "anonymous", reverse("commission:login"), 400,
              _submit(fill={"#id_username": "nobody", "#id_password": "wrong password"})),
        Visit("operator-login", "anonymous", reverse("lookup-operator-login")),
        Visit("cabinet", "voter", reverse("cabinet:home"), screenshot=True),
        Visit("cabinet-correction-open", "voter", reverse("cabinet:correction", args=[election]), 409),
        Visit("cabinet-withdraw", "voter", reverse("cabinet:withdraw", args=[demo.open_application.pk])),
        Visit("cabinet-fresh", "fresh_voter", reverse("cabinet:home")),
        Visit("cabinet-correction", "fresh_voter", reverse("cabinet:correction", args=[election])),
        Visit("cabinet-correction-errors", "fresh_voter", reverse("cabinet:correction", args=[election]), 400,
              _submit(files={"#id_scan": scan}), screenshot=True),
        Visit("cabinet-missing", "fresh_voter", reverse("cabinet:missing")),
        Visit("cabinet-missing-errors", "fresh_voter", reverse("cabinet:missing"), 400, _submit()),
        Visit("cabinet-evoting", "fresh_voter", reverse("cabinet:evoting", args=[election]), screenshot=True),
        Visit("cabinet-evoting-errors", "fresh_voter", reverse("cabinet:evoting", args=[election]), 400, _submit()),
        Visit("cabinet-evoter", "evoter", reverse("cabinet:home")),
        Visit("cabinet-unregistered", "unregistered_voter", reverse("cabinet:home")),
        Visit("vote", "evoter", reverse("vote"), screenshot=True),
        Visit("vote-booth-evoter", "evoter", reverse("vote-booth", args=[demo.election.slug]), screenshot=True),
        Visit("vote-booth-paper", "voter", reverse("vote-booth", args=[demo.election.slug]), screenshot=True),
        Visit("vote-booth-key", "demo_evoter", reverse("vote-booth", args=[demo.election.slug]), screenshot=True,
              then=_booth_step("key")),
        Visit("vote-booth-mark", "demo_evoter_keyed", reverse("vote-booth", args=[demo.election.slug]),
              screenshot=True, then=_booth_step("mark")),
        Visit("vote-booth-sealed", "demo_evoter_keyed", reverse("vote-booth", args=[demo.election.slug]),
              screenshot=True, then=_booth_step("sealed", mark=True)),
        Visit("vote-booth-checked", "demo_evoter_keyed", reverse("vote-booth", args=[demo.election.slug]),
              screenshot=True, then=_booth_step("checked", mark=True, press="[data-check]")),
        Visit("vote-booth-cast", "demo_evoter_keyed", reverse("vote-booth", args=[demo.election.slug]),
              screenshot=True, then=_booth_step("cast", mark=True, press="[data-cast]")),
        Visit("queue", "member", reverse("commission:queue"), screenshot=True),
        Visit("queue-filtered", "member", reverse("commission:queue") + "?status=decided&kind=correction"),
        Visit("queue-search-none", "member", reverse("commission:queue") + "?search=1"),
        Visit("application-open", "member", reverse("commission:application", args=[demo.open_application.pk]),
              screenshot=True),
        Visit("application-refused", "member", reverse("commission:application", args=[demo.open_application.pk]),
              303, _submit("form[action$='/biometric/'] button[type=submit]")),
        Visit("application-decided", "member",
              reverse("commission:application", args=[demo.decided_application.pk])),
        Visit("walk-in", "member", reverse("commission:walk_in")),
        Visit("walk-in-errors", "member", reverse("commission:walk_in"), 400, _submit()),
        Visit("two-factor", "member", reverse("commission:two_factor")),
        Visit("operator", "operator", reverse("lookup-operator"), screenshot=True),
        Visit("operator-result", "operator", reverse("lookup-operator"), act=_check_pin(demo.fresh.pin)),
        Visit("operator-invalid", "operator", reverse("lookup-operator"), 400, _check_pin("1")),
        Visit("operator-in-back-office", "operator", reverse("commission:queue"), 403),
        Visit("ceremonies", "cec", reverse("ceremony:elections"), screenshot=True),
        Visit("ceremony", "cec", reverse("ceremony:progress", args=[demo.election.slug]), screenshot=True),
        Visit("ceremony-no-access", "member", reverse("ceremony:progress", args=[demo.election.slug]), 403),
        Visit("ceremony-holders-fixed", "cec", reverse("ceremony:holders", args=[demo.election.slug])),
        Visit("ceremony-setup", "cec", reverse("ceremony:progress", args=[setup]), screenshot=True),
        Visit("ceremony-holders", "cec", reverse("ceremony:holders", args=[setup]), screenshot=True),
        Visit("ceremony-holders-errors", "cec", reverse("ceremony:holders", args=[setup]), 400,
              _submit(fill={"#id_holders": "белгисиз", "#id_quorum": "0"}), screenshot=True),
        Visit("ceremony-holders-no-access", "member", reverse("ceremony:holders", args=[setup]), 403),
        Visit("evote-boards", "anonymous", f"/board/{demo.election.slug}/"),
        Visit("evote-board", "anonymous", f"/board/{demo.election.slug}/1/", screenshot=True),
        Visit("evote-board-found", "anonymous", f"/board/{demo.election.slug}/1/?code={demo.evote_receipt['code'][:9]}",
              screenshot=True),
        Visit("evote-board-not-found", "anonymous", f"/board/{demo.election.slug}/1/?code=ZZZZ-ZZZZ"),
        Visit("evote-board-bad-code", "anonymous", f"/board/{demo.election.slug}/1/?code=12", 400),
        Visit("evote-heads", "anonymous", f"/board/{demo.election.slug}/1/heads"),
        Visit("evote-credentials", "anonymous", f"/board/{demo.election.slug}/1/credentials"),
        Visit("evote-challenges", "anonymous", f"/board/{demo.election.slug}/1/challenges"),
        Visit("evote-commission-index", "member", "/commission/evoting/", screenshot=True),
        Visit("evote-commission", "member", f"/commission/evoting/{demo.election.slug}/", screenshot=True),
        Visit("evote-commission-cec", "cec", f"/commission/evoting/{demo.election.slug}/", screenshot=True),
        Visit("evote-commission-setup", "cec", f"/commission/evoting/{setup}/", screenshot=True),
        Visit("evote-polls-fixed", "cec", reverse("evoting-polls", args=[demo.election.slug, 1])),
        Visit("evote-polls", "cec", reverse("evoting-polls", args=[setup, 1]), screenshot=True),
        Visit("evote-polls-errors", "cec", reverse("evoting-polls", args=[setup, 1]), 400,
              _submit(fill={"#id_opens_0": "05.01.2020", "#id_opens_1": "08:00", "#id_closes_0": "05.01.2020",
                            "#id_closes_1": "07:00"}), screenshot=True),
        Visit("evote-polls-unreadable", "cec", reverse("evoting-polls", args=[setup, 1]), 400,
              _submit(fill={"#id_opens_0": "01/05/2020", "#id_opens_1": "8 AM", "#id_closes_0": ""})),
        Visit("evote-polls-no-access", "member", reverse("evoting-polls", args=[setup, 1]), 403),
        Visit("results", "anonymous", reverse("results:index")),
        Visit("results-election", "anonymous", reverse("results:election", args=[demo.election.slug]), screenshot=True),
        Visit("results-constituency", "anonymous", reverse("results:constituency", args=[demo.election.slug, 1]),
              screenshot=True),
        Visit("results-precinct", "anonymous", reverse("results:unit", args=[demo.election.slug, 1, results_unit]),
              screenshot=True),
        Visit("results-electronic", "anonymous", reverse("results:unit", args=[demo.election.slug, 1, "electronic"])),
        Visit("results-protocols", "member", reverse("results:staff-protocols"), screenshot=True),
        Visit("results-protocol", "member", reverse("results:staff-protocol", args=[results_protocol.pk]),
              screenshot=True),
    ]


def _problems_of(page, *, visit: Visit, language: str, width: int) -> list[str]:
    where = f"{visit.name} [{language} {width}px]"
    problems = []
    if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
        wide = page.evaluate("document.documentElement.scrollWidth")
        problems.append(f"{where}: {wide} px wide, wider than the {width} px screen")
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    only = ({"type": "tag", "values": AXE_TAGS} if width == WIDTHS[0]
            else {"type": "rule", "values": AXE_LAYOUT_RULES})
    problems += [f"{where}: axe {violation}" for violation in page.evaluate(RUN_AXE, only)]
    if language != "en":
        english = sorted({word for word in LATIN_WORD.findall(page.evaluate(TEXT_OF_PAGE))
                          if word not in ALLOWED_LATIN})
        if english:
            problems.append(f"{where}: English on a {language} page: {', '.join(english[:12])}")
    if visit.screenshot and language != "en" or visit.screenshot and width == 360:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{visit.name}-{language}-{width}.png"), full_page=True)
    return problems


@pytest.fixture
def sweep_urls(settings):
    """The platform's URLs plus three that raise, so that the 400, 403 and 500 pages are seen too."""
    settings.ROOT_URLCONF = "tests.e2e.sweep_urls"
    settings.DEBUG = False


def test_every_page_and_state_in_three_languages_at_360_and_1280_px(chromium, live_server, sweep_urls):
    assert AXE.exists(), f"{AXE} is missing: `make frontend` installs axe-core from frontend/package-lock.json"
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    demo = _demo()
    sessions = {
        "anonymous": None,
        "voter": _voter_session(demo.listed.pin, demo.listed.name),
        "fresh_voter": _voter_session(demo.fresh.pin, demo.fresh.name),
        "evoter": _voter_session(demo.evoter.pin, demo.evoter.name),
        "unregistered_voter": _voter_session("21705199099999", "Асел"),
        "demo_evoter": _voter_session(demo.demo_evoter.pin, demo.demo_evoter.name),
        "demo_evoter_keyed": _voter_session(demo.demo_evoter.pin, demo.demo_evoter.name),
        "member": _staff_session(demo.member),
        "operator": _staff_session(demo.operator),
        "cec": _staff_session(demo.cec),
    }
    host = urlsplit(live_server.url).hostname
    problems, visited = [], 0
    for language in LANGUAGES:
        contexts = {}
        for role, session_key in sessions.items():
            context = chromium.new_context(base_url=live_server.url, viewport={"width": WIDTHS[0], "height": 900},
                                           bypass_csp=True, locale={"ky": "ky-KG", "ru": "ru-RU"}.get(language, "en-GB"))
            cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "domain": host, "path": "/"}]
            if session_key:
                cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session_key, "domain": host, "path": "/"})
            context.add_cookies(cookies)
            if role == "demo_evoter_keyed":  # the key this voter's browser kept at enrolment (booth/src/pages/store.js)
                context.add_init_script(_stored_key(demo))
            context.set_default_timeout(20_000)
            contexts[role] = context.new_page()
        for visit in _visits(demo):
            page = contexts[visit.role]
            page.set_viewport_size({"width": WIDTHS[0], "height": 900})
            response = page.goto(visit.path)
            status = response.status if response else 0
            if visit.act is not None:
                with page.expect_response(lambda r: r.request.is_navigation_request()) as answer:
                    visit.act(page)
                status = answer.value.status
            if visit.then is not None:
                visit.then(page)
            if status != visit.status:
                problems.append(f"{visit.name} [{language}]: HTTP {status}, expected {visit.status} at {page.url}")
            if page.evaluate("document.documentElement.lang") != language:
                problems.append(f"{visit.name} [{language}]: <html lang> is not {language}")
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                problems += _problems_of(page, visit=visit, language=language, width=width)
                visited += 1
        for page in contexts.values():
            page.context.close()
    assert not problems, f"{len(problems)} problems on {visited} page views:\n" + "\n".join(problems)
