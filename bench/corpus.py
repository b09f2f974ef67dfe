"""A deterministic corpus of plans for `make bench`, made by varying the seed plans.

Every plan is one of the seeds rewritten for another region, year and set of numbers:
the 16 Shanghai districts first, then the districts of other cities from
loaders/vocab/divisions.yaml (codes in order), years 2020–2026, one city plan per city and year
(from seeds/shanghai-2024.txt) and district plans (from the four district seeds). Numbers are
scaled per plan, a few paragraphs get a named owner, runs of paragraphs are shuffled, and the
files are written as .txt, .html and .docx. The same N always gives the same files.

    python bench/corpus.py 100 build/bench/corpus-100
"""
from __future__ import annotations

import datetime
import html
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import docx

from policykg.loaders.divisions import Division, gazetteer

__all__ = ["Plan", "cities", "plans", "render", "write_plan", "write_corpus", "YEARS"]

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
YEARS = range(2020, 2027)
CITY_SEED = ("shanghai-2024.txt", 2024)
# district seed → (its year, its district's full and short name)
DISTRICT_SEEDS = {
    "changning-2024.txt": (2024, "长宁区", "长宁"),
    "changning-2025.txt": (2025, "长宁区", "长宁"),
    "jingan-2025.txt": (2025, "静安区", "静安"),
    "jinshan-2025.txt": (2025, "金山区", "金山"),
}
OWNERS = ["民政局", "卫生健康委", "财政局", "残联", "人力资源社会保障局", "住房城乡建设管理委", "医保局", "退役军人事务局"]
MAX_DISTRICTS = 12          # of a city other than Shanghai
_YEAR = re.compile(r"(?<!\d)20[0-3]\d(?!\d)")
# A number that is a quantity: not a year, a date, an ordinal (第3) or a list marker (1. / 1、).
_NUMBER = re.compile(r"(?<![\d.第\-/])(\d+(?:\.\d+)?)(?![\d.．、月日号年\-/])")
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]|\d+[.、．])")


@dataclass(frozen=True)
class Plan:
    name: str            # file stem: division code and year
    seed: str            # seed file name
    year: int
    city: Division
    district: Division | None    # None: the city's own plan
    fmt: str             # txt | html | docx


def cities() -> list[tuple[Division, list[Division]]]:
    """(city, its districts and counties) for cities with at least four; Shanghai first."""
    g = gazetteer()
    children: dict[str, list[Division]] = {}
    for d in g.by_code.values():
        if d.level in ("district", "county") and d.parent and d.short:
            children.setdefault(d.parent, []).append(d)
    found = [d for d in sorted(g.by_code.values(), key=lambda d: d.code)
             if d.level == "city" and len(children.get(d.code, [])) >= 4]
    found.sort(key=lambda c: c.name != "上海市")
    return [(c, sorted(children[c.code], key=lambda d: d.code)[: 16 if c.name == "上海市" else MAX_DISTRICTS])
            for c in found]


def plans(n: int) -> list[Plan]:
    """The first n plans: whole cities (every year, the city plan and its districts') in order,
    the last city cut to a deterministic sample so that exactly n remain."""
    out: list[Plan] = []
    rng = random.Random(n)
    for city, districts in cities():
        if len(out) >= n:
            break
        group: list[tuple[int, Division | None]] = []
        for year in YEARS:
            group.append((year, None))
            group.extend((year, d) for d in districts)
        if len(out) + len(group) > n:    # keep the city plans, sample the districts
            city_plans = [g for g in group if g[1] is None]
            rest = [g for g in group if g[1] is not None]
            room = max(0, n - len(out) - len(city_plans))
            sampled = rng.sample(rest, min(room, len(rest)))
            group = city_plans[: n - len(out)] + sorted(sampled, key=lambda g: (g[0], g[1].code if g[1] else ""))
        for year, district in group:
            code = (district or city).code
            seed = CITY_SEED[0] if district is None else sorted(DISTRICT_SEEDS)[int(code) % len(DISTRICT_SEEDS)]
            fmt = ("txt", "txt", "txt", "html", "html", "docx")[(int(code) + year) % 6]
            out.append(Plan(f"{code}-{year}", seed, year, city, district, fmt))
    return out[:n]


def _rename(text: str, plan: Plan, seed_district: tuple[str, str] | None) -> str:
    short_city = plan.city.short or plan.city.name.removesuffix("市")
    if plan.district is not None and seed_district is not None:
        full, short = seed_district
        new_full = plan.district.name if plan.city.name == "上海市" else plan.city.name + plan.district.name
        text = text.replace(full, new_full).replace(short, plan.district.short or plan.district.name)
    if plan.city.name != "上海市":
        text = text.replace("上海市", plan.city.name).replace("上海", short_city)
    return text


def _vary_numbers(text: str, rng: random.Random) -> str:
    factor = rng.choice([0.5, 0.8, 1.2, 1.5, 2.0, 3.0])

    def scaled(m: re.Match) -> str:
        if _YEAR.fullmatch(m.group(1)):
            return m.group(1)
        value = float(m.group(1)) * factor
        return f"{value:.1f}" if "." in m.group(1) else str(max(1, round(value)))
    return _NUMBER.sub(scaled, text)


def _vary_paragraphs(lines: list[str], rng: random.Random, preamble: int = 8) -> list[str]:
    """Shuffle runs of body paragraphs between headings; add a named owner to a few of them.
    A hard-wrapped text (a PDF's lines) is left as it is: its lines are not paragraphs."""
    long_lines = [line for line in lines if len(line) >= 20]
    if sum(line.rstrip().endswith(("。", "；", "：")) for line in long_lines) < len(long_lines) / 2:
        return lines
    out, run = lines[:preamble], list[str]()

    def flush() -> None:
        rng.shuffle(run)
        out.extend(run)
        run.clear()
    for line in lines[preamble:]:
        if _HEADING.match(line) or len(line) < 20:
            flush()
            out.append(line)
            continue
        if rng.random() < 0.15:
            line = line.rstrip("。") + f"。（牵头单位：区{rng.choice(OWNERS)}）"
        run.append(line)
    flush()
    return out


def render(plan: Plan) -> str:
    """The plan's text."""
    rng = random.Random(plan.name)
    seed_year, full, short = (CITY_SEED[1], None, None) if plan.district is None else DISTRICT_SEEDS[plan.seed]
    text = (SEEDS / plan.seed).read_text(encoding="utf-8")
    text = _YEAR.sub(lambda m: str(int(m.group()) + plan.year - seed_year), text)
    text = _rename(text, plan, (full, short) if full and short else None)
    text = _vary_numbers(text, rng)
    return "\n".join(_vary_paragraphs(text.splitlines(), rng)) + "\n"


def write_plan(path: Path, text: str, fmt: str) -> Path:
    target = path.with_suffix("." + fmt)
    if fmt == "txt":
        target.write_text(text, encoding="utf-8")
    elif fmt == "html":
        body = "".join(f"<p>{html.escape(line)}</p>\n" for line in text.splitlines())
        target.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>\n{body}</body></html>\n",
                          encoding="utf-8")
    else:
        document = docx.Document()
        for line in text.splitlines():
            document.add_paragraph(line)
        document.core_properties.created = datetime.datetime(2026, 1, 1)
        document.save(str(target))
    return target


def write_corpus(n: int, folder: Path) -> list[Path]:
    """Write the n plans into `folder` (reused when it already holds exactly them)."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted = plans(n)
    names = {f"{p.name}.{p.fmt}" for p in wanted}
    if {f.name for f in folder.iterdir()} == names:
        return sorted(folder / name for name in names)
    for f in folder.iterdir():
        f.unlink()
    return sorted(write_plan(folder / p.name, render(p), p.fmt) for p in wanted)


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    written = write_corpus(count, Path(sys.argv[2] if len(sys.argv) > 2 else f"build/bench/corpus-{count}"))
    print(f"{len(written)} plans in {written[0].parent}")
