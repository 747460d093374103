# SPDX-License-Identifier: Apache-2.0
"""docs/sms.md quotes the gateway configuration the integration tests run: every quoted line is in the file."""
import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def quoted_blocks(markdown: str) -> list[list[str]]:
    return [[line for line in block.splitlines() if line.strip()] for block in re.findall(r"```\n(.*?)```", markdown, re.S)]


def test_the_kannel_and_jasmin_configuration_in_sms_md_is_the_tested_one():
    guide = (DOCS / "sms.md").read_text()
    kannel = (DOCS / "gateways" / "kannel.conf").read_text().splitlines()
    jcli = (DOCS / "gateways" / "jasmin-119.jcli").read_text().splitlines()
    blocks = quoted_blocks(guide)
    service = next(block for block in blocks if block[0] == "group = sms-service")
    assert all(line in kannel for line in service), [line for line in service if line not in kannel]
    route = next(block for block in blocks if block[0] == "httpccm -a")
    assert all(line in jcli for line in route), [line for line in route if line not in jcli]
    sendsms = next(block for block in blocks if block[0] == "group = sendsms-user")
    assert [line.split(" = ")[0] for line in sendsms] == [
        line.split(" = ")[0] for line in kannel[kannel.index("group = sendsms-user"):][:len(sendsms)]]
    for name in ("kannel.conf", "jasmin.cfg", "jasmin-119.jcli"):
        assert f"(gateways/{name})" in guide
