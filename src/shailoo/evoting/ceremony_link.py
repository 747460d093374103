# SPDX-License-Identifier: Apache-2.0
"""What evoting reads from the ceremony app (EVOTING-CONTRACT.md 3): the holders' long-term keys, the quorum,
a finished ceremony's ceremony.json, and the call that starts each board's ceremony once its manifest is
fixed. Looked up at call time, so that evoting works (and its tests run with holders' keys they make
themselves) whether or not the ceremony app's selectors are installed yet."""
from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


def _module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"shailoo.ceremony.{name}")
    except ModuleNotFoundError:
        return None


def holder_keys(election: Any) -> list[str] | None:
    """The n holders' signing keys (hex, in index order), None until every holder registered."""
    selectors = _module("selectors")
    return None if selectors is None else selectors.holder_keys(election)


def quorum(election: Any) -> int | None:
    selectors = _module("selectors")
    return None if selectors is None else selectors.quorum(election)


def ceremony_result(election: Any, constituency: Any) -> Any | None:
    """The ceremony app's CeremonyResult (.ceremony_json, .joint_public_key, .finished_at), or None."""
    selectors = _module("selectors")
    return None if selectors is None else selectors.ceremony_result(election, constituency)


def open_ceremonies(election: Any, manifests: dict[int, dict[str, Any]], *, by: Any) -> bool:
    """Start each board's ceremony (constituency pk -> manifest.json); False when the app cannot yet."""
    services = _module("services")
    if services is None or not hasattr(services, "open_ceremonies"):
        return False
    services.open_ceremonies(election, manifests, by=by)
    return True
