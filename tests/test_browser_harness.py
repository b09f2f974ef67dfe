"""The browser harness itself (tests/conftest_browser.py) can fail: a page that fetches anything or
throws is caught. Requests are refused inside Chromium, so nothing leaves the machine."""


def test_external_resources_and_script_errors_are_caught(tmp_path, open_page):
    page = tmp_path / "leaky.html"
    page.write_text('<!DOCTYPE html><html><head><meta charset="utf-8">'
                    '<link rel="stylesheet" href="https://cdn.example.invalid/site.css">'
                    '<script src="https://cdn.example.invalid/lib.js"></script></head>'
                    '<body><p>民政</p><script>undefinedFunction();</script></body></html>', encoding="utf-8")
    opened = open_page(page)
    assert sorted(opened.refused) == ["https://cdn.example.invalid/lib.js", "https://cdn.example.invalid/site.css"]
    assert any("undefinedFunction" in e for e in opened.errors)


def test_a_self_contained_page_is_clean(tmp_path, open_page):
    page = tmp_path / "clean.html"
    page.write_text('<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title></head>'
                    '<body><p id="p">养老服务</p><script>document.title = "ok";</script></body></html>', encoding="utf-8")
    opened = open_page(page)
    assert opened.refused == [] and opened.errors == [] and opened.page.title() == "ok"
