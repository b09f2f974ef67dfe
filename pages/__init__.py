"""Self-contained, offline HTML pages built from the graph (no scripts or styles fetched).

render.py          the shared look: templates/base.html + assets/policykg.css, scripts and data inlined
lineage.py         the lineage picture (ECharts graph: levels top-down, years left to right; assets/lineage.js)
lineage_export.py  the lineage graph as GraphML, GEXF, Mermaid, DOT, JSON, SVG and PNG
report.py          the analyst's report on a city plan and its district plans (heatmap, roll-up, gaps …;
                   assets/report.js)
workbook.py        the same report as an Excel workbook (XlsxWriter)
review.py          the document with every extracted entity highlighted, for checking extraction

assets/vendor holds the chart library (Apache ECharts, pinned in its package.json) as a
committed minified file with its licences; a test checks it byte for byte against npm's.
"""

__all__: list[str] = []
