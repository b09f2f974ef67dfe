"""Self-contained, offline HTML pages built from the graph (no scripts or styles fetched).

render.py   the shared look: templates/base.html + assets/policykg.css, scripts and data inlined
review.py   the document with every extracted entity highlighted, for checking extraction
report.py   the analyst's report on a city plan and its district plans (heatmap, roll-up, gaps …)
workbook.py the same report as an Excel workbook (openpyxl)

assets/vendor holds the chart library (Apache ECharts, pinned in its package.json) as a
committed minified file with its licences; a test checks it byte for byte against npm's.
"""

__all__: list[str] = []
