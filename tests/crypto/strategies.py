# SPDX-License-Identifier: Apache-2.0
"""Hypothesis strategies and the small elections shared by the crypto tests."""
import os

from hypothesis import strategies as st

from shailoo.crypto.group import L, Scalar
from shailoo.crypto.manifest import Authorities, Contest, Manifest, Option
from shailoo.crypto.randomness import SeededRandomness
from shailoo.crypto.signature import generate_signing_key

#: Set by scripts/mutation.py (docs/testing.md, "Mutation testing"): a mutant's tests then draw a fifth of
#: their examples (at least 2, derandomized by the "mutation" profile that tests/conftest.py loads), so a
#: surviving mutant, which runs every test that reaches it, costs less. The normal suite is unchanged.
MUTATION_RUN = os.environ.get("SHAILOO_HYPOTHESIS_PROFILE") == "mutation"


def examples(normal: int) -> int:
    """The ``max_examples`` of a property test: ``normal``, or a fifth of it in a mutation run."""
    return max(2, normal // 5) if MUTATION_RUN else normal


scalars = st.integers(min_value=0, max_value=L - 1).map(Scalar)
nonzero_scalars = st.integers(min_value=1, max_value=L - 1).map(Scalar)
small_messages = st.integers(min_value=0, max_value=2000)
labels = st.binary(min_size=0, max_size=24)

#: Keys of the test election's authorities (seeded: the same every run; tests only).
_KEYS = SeededRandomness(b"tests/crypto authorities")
COMMISSION = generate_signing_key(_KEYS)
BOARD = generate_signing_key(_KEYS)
HOLDERS = {i: generate_signing_key(_KEYS) for i in range(1, 5)}
OPENS = 1_700_000_000_000
CLOSES = OPENS + 3_600_000

CONTESTS = (
    Contest("mayor", "Mayor", tuple(Option(f"m{i}", f"Mayor {i}") for i in range(3)), 1, 1, None),
    Contest("council", "Council", tuple(Option(f"k{i}", f"Council {i}") for i in range(4)), 0, 2, None),
    Contest(
        "referendum", "Referendum",
        (Option("yes", "Yes"), Option("no", "No"), Option("against", "Against all")), 1, 1, "against",
    ),
)


def manifest_with(holders: int = 4, quorum: int = 3, contests: tuple[Contest, ...] = CONTESTS) -> Manifest:
    return Manifest(
        "test-election", "Test election", OPENS, CLOSES,
        Authorities(COMMISSION.public, BOARD.public, tuple(HOLDERS[i].public for i in range(1, holders + 1)), quorum),
        contests,
    )


SMALL_MANIFEST = manifest_with()


@st.composite
def allowed_choices(draw: st.DrawFn, manifest: Manifest = SMALL_MANIFEST) -> dict[str, frozenset[str]]:
    """Marks that respect every contest's rules, "against all" included."""
    choices = {}
    for contest in manifest.contests:
        ordinary = [o for o in contest.option_ids if o != contest.against_all]
        if contest.against_all is not None and draw(st.booleans()):
            choices[contest.contest_id] = frozenset({contest.against_all})
            continue
        count = draw(st.integers(contest.min_marks, contest.max_marks))
        choices[contest.contest_id] = frozenset(draw(st.permutations(ordinary))[:count])
    return choices
