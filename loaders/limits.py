"""What one input file may cost, with the environment variables that change it.

| limit | variable | default |
| --- | --- | --- |
| text of one plan (file bytes, and the text read from it, UTF-8) | `POLICYKG_MAX_TEXT_MB` | 50 |
| unpacked size of a .docx (checked before anything is unpacked) | `POLICYKG_MAX_DOCX_UNPACKED_MB` | 200 |
| a metadata sidecar (`<file>.meta.yaml` / `.json`) | `POLICYKG_MAX_SIDECAR_KB` | 64 |
| a plan year (`--year`, sidecar `year:`) | — | 1949–2100 |

A file over a limit is refused with a one-line `InputError` that names the limit and its
variable; the other files of the batch load. YAML sidecars may not use aliases (`*name`)
at all: a few hundred bytes of nested aliases expand to gigabytes.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from policykg.loaders.errors import InputError

__all__ = ["FIRST_YEAR", "LAST_YEAR", "Limits", "LIMIT_VARIABLES", "limits", "check_size"]

MB = 1024 * 1024
# The years a plan of the People's Republic can be for (--year and sidecars are checked against them).
FIRST_YEAR, LAST_YEAR = 1949, 2100

LIMIT_VARIABLES = {
    "max_text_bytes": ("POLICYKG_MAX_TEXT_MB", 50, MB),
    "max_docx_unpacked_bytes": ("POLICYKG_MAX_DOCX_UNPACKED_MB", 200, MB),
    "max_sidecar_bytes": ("POLICYKG_MAX_SIDECAR_KB", 64, 1024),
}


@dataclass(frozen=True)
class Limits:
    max_text_bytes: int
    max_docx_unpacked_bytes: int
    max_sidecar_bytes: int


def limits(env: Mapping[str, str] | None = None) -> Limits:
    """The limits in force: each from its environment variable (a positive number), else its default.

    >>> limits({}).max_text_bytes == 50 * 1024 * 1024, limits({"POLICYKG_MAX_TEXT_MB": "0.5"}).max_text_bytes
    (True, 524288)
    >>> limits({"POLICYKG_MAX_TEXT_MB": "lots"})
    Traceback (most recent call last):
    ...
    policykg.loaders.errors.InputError: POLICYKG_MAX_TEXT_MB='lots' is not a positive number; set e.g. POLICYKG_MAX_TEXT_MB=50
    """
    env = os.environ if env is None else env
    values = {}
    for field, (variable, default, unit) in LIMIT_VARIABLES.items():
        raw = env.get(variable)
        if raw is None or raw.strip() == "":
            values[field] = default * unit
            continue
        try:
            number = float(raw)
        except ValueError:
            number = -1.0
        if not 0 < number < 1e9:
            raise InputError(f"{variable}={raw!r} is not a positive number; set e.g. {variable}={default}")
        values[field] = int(number * unit)
    return Limits(**values)


def check_size(name: str, size: int, field: str, what: str) -> None:
    """Raise a one-line InputError when `size` bytes exceed the limit `field` of `limits()`.

    >>> check_size("plan.txt", 10, "max_text_bytes", "text")
    >>> try:
    ...     check_size("plan.txt", 60 * 1024 * 1024, "max_text_bytes", "text")
    ... except InputError as exc:
    ...     print(exc)
    plan.txt: text of 60.0 MB is over the limit of 50.0 MB; split the file, or raise POLICYKG_MAX_TEXT_MB
    """
    limit = getattr(limits(), field)
    if size > limit:
        variable = LIMIT_VARIABLES[field][0]
        unit = LIMIT_VARIABLES[field][2]
        label = "MB" if unit == MB else "KB"
        raise InputError(f"{name}: {what} of {size / unit:.1f} {label} is over the limit of {limit / unit:.1f} {label}; "
                         f"split the file, or raise {variable}")
