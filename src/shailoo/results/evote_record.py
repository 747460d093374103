# SPDX-License-Identifier: Apache-2.0
"""The e-vote's totals of one constituency read from its published record, after the real verifier passed it.

Ids follow EVOTING-CONTRACT §0: manifest election_id "<slug>/<number>", one contest "constituency-<number>",
options "candidate-<pk>" (party-list elections: "party-<pk>") and "against-all"."""
import hashlib
from dataclasses import dataclass
from pathlib import Path

from shailoo.crypto import record, tally
from shailoo.crypto.verify import verify_record
from shailoo.elections.models import Constituency


class RecordRefused(ValueError):
    pass


@dataclass(frozen=True)
class RecordTotals:
    ballots: int
    votes: dict[int, int]
    against_all: int | None
    sha256: str


def _digest(path: Path) -> str:
    if path.is_file():
        return hashlib.sha256(path.read_bytes()).hexdigest()
    results = path / record.RESULTS
    return hashlib.sha256(results.read_bytes()).hexdigest() if results.exists() else ""


def read_totals(path: Path, constituency: Constituency) -> RecordTotals:
    code, report, verified = verify_record(path)
    if code != 0 or verified is None:
        problems = "; ".join(str(problem) for problem in getattr(report, "failures", [])) or f"exit code {code}"
        raise RecordRefused(f"the record does not verify: {problems}")
    manifest = verified.manifest
    slug = constituency.election.slug
    if manifest.election_id != f"{slug}/{constituency.number}":
        raise RecordRefused(f"the record is of election {manifest.election_id!r}, not {slug}/{constituency.number}")
    contest_id = f"constituency-{constituency.number}"
    if [contest.contest_id for contest in manifest.contests] != [contest_id]:
        raise RecordRefused(f"the record's contests are not the one contest {contest_id!r}")
    ballots, totals = tally.totals_from_json(manifest, record.RecordReader(path).read_json(record.RESULTS), record.RESULTS)
    prefix = "party-" if constituency.election.kenesh.kind == "city" else "candidate-"
    votes: dict[int, int] = {}
    against_all = None
    for option, total in zip(manifest.contests[0].options, totals[0], strict=True):
        if option.option_id == "against-all":
            against_all = total
        elif option.option_id.startswith(prefix) and option.option_id[len(prefix):].isdigit():
            votes[int(option.option_id[len(prefix):])] = total
        else:
            raise RecordRefused(f"option {option.option_id!r} is not {prefix}<id> or against-all")
    return RecordTotals(ballots, votes, against_all, _digest(path))
