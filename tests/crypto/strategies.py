# SPDX-License-Identifier: Apache-2.0
"""Hypothesis strategies shared by the crypto tests."""
from hypothesis import strategies as st

from shailoo.crypto.group import L, Scalar
from shailoo.crypto.manifest import Contest, Manifest, Option

scalars = st.integers(min_value=0, max_value=L - 1).map(Scalar)
nonzero_scalars = st.integers(min_value=1, max_value=L - 1).map(Scalar)
small_messages = st.integers(min_value=0, max_value=2000)
labels = st.binary(min_size=0, max_size=24)

SMALL_MANIFEST = Manifest(
    "test-election",
    "Test election",
    (
        Contest("mayor", "Mayor", tuple(Option(f"m{i}", f"Mayor {i}") for i in range(3)), 1, 1, None),
        Contest("council", "Council", tuple(Option(f"k{i}", f"Council {i}") for i in range(4)), 0, 2, None),
        Contest(
            "referendum", "Referendum",
            (Option("yes", "Yes"), Option("no", "No"), Option("against", "Against all")), 1, 1, "against",
        ),
    ),
    5_000_000,
)


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
