"""Write small PDF fixtures: a short Chinese plan with a real text layer, or a page with no text.

Uses reportlab's built-in CID font STSong-Light, so no font file is needed.

    python scripts/make_pdf_fixture.py out/plan.pdf
    python scripts/make_pdf_fixture.py out/scan.pdf --no-text
"""
from __future__ import annotations

import argparse
from pathlib import Path

# A short plan laid out as a PDF export lays it out: a letterhead, a 文号, a title,
# headings, and a paragraph wrapped mid-sentence across a page break.
SAMPLE_PAGES: list[list[str]] = [
    [
        "上海市测试区民政局文件",
        "测民〔2025〕3号",
        "2025年测试区民政工作要点",
        "一、推进养老服务高质量发展",
        "（一）完善养老服务设施。新增养老床位 50张，完成适老",
        "化改造 200户，新建社区长者食堂 2家。",
    ],
    [
        "（二）加强养老服务监管。开展养老机构等级评定，推进服务",
        "质量监测全覆盖。",
        "上海市测试区民政局",
        "2025年2月10日",
    ],
]

FONT_NAME = "STSong-Light"


def make_pdf(path: str | Path, pages: list[list[str]] | None = None, text_layer: bool = True) -> Path:
    """Write a PDF to `path`: `pages` of lines as text (default SAMPLE_PAGES), or with
    `text_layer=False` one page holding only a drawn rectangle (what a scan looks like
    to a text extractor)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(out), pagesize=A4)
    _, height = A4
    if not text_layer:
        c.rect(72, height - 300, 300, 200, stroke=1, fill=0)
        c.showPage()
        c.save()
        return out
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT_NAME))
    for lines in pages or SAMPLE_PAGES:
        c.setFont(FONT_NAME, 14)
        y = height - 72
        for line in lines:
            c.drawString(72, y, line)
            y -= 24
        c.showPage()
    c.save()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="where to write the PDF")
    parser.add_argument("--no-text", action="store_true", help="write a page without a text layer")
    args = parser.parse_args(argv)
    print(make_pdf(args.path, text_layer=not args.no_text))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
