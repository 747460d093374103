# SPDX-License-Identifier: Apache-2.0
"""A precinct's protocol in a real browser: two members of the commission sign in and enter it
independently, it is accepted, and anyone finds the result on the public page and in the CSV."""
import csv
import io

import pytest

from shailoo.results.models import Protocol
from tests.cabinet.helpers import PASSWORD, make_staff
from tests.results.helpers import figures, results_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _enter(chromium, live_server, username, values):
    context = chromium.new_context(base_url=live_server.url, locale="ky-KG", viewport={"width": 360, "height": 800})
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/commission/login/?next=/commission/results/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/commission/results/")
    page.locator("a.shailoo-row-link").first.click()
    for name, value in values.items():
        page.locator(f"#id_{name}").fill(str(value))
    page.locator("#main form[method=post]:not([enctype]) button[type=submit]").click()
    page.wait_for_load_state()
    state = page.locator("#protocol-state").inner_text()
    context.close()
    return state


def test_two_members_enter_a_protocol_in_the_browser_and_the_result_is_public(chromium, browser_page, live_server):
    rw = results_world()
    make_staff("kotchu", "precinct", precinct=rw.world.precinct)
    make_staff("muche", "precinct", precinct=rw.world.precinct)
    fig = figures(rw, [100, 90, 80, 60, 50, 10])
    values = {name: value for name, value in fig.lines().items() if not name.startswith("votes:")}
    values.update({f"votes_{option}": count for option, count in fig.votes.items()})

    assert _enter(chromium, live_server, "kotchu", values) == "экинчи киргизүү күтүлүүдө"
    assert _enter(chromium, live_server, "muche", values) == "кабыл алынды"
    assert Protocol.objects.get(pk=rw.first.pk).state == Protocol.State.ACCEPTED

    page = browser_page
    page.goto(f"{live_server.url}/results/{rw.election.slug}/1/")
    row = page.locator("#candidates tr", has_text="Асанов Бакыт")
    assert "100" in row.inner_text()
    assert page.locator("svg.shailoo-chart").count() == 1
    page.locator(f"a[href='/results/{rw.election.slug}/1/{rw.world.precinct.number}/']").click()
    assert "100" in page.locator("#protocol").inner_text()
    answer = page.request.get(f"{live_server.url}/api/v1/results/{rw.election.slug}/csv")
    rows = list(csv.reader(io.StringIO(answer.text())))
    assert [rw.election.slug, rw.election.kenesh.name_ky, "1", rw.world.precinct.number, "Асанов Бакыт", "", "100"] in rows
