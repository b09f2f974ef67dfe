// Checks Cypher statements with Neo4j's own Cypher 5 front end (the parser and semantic analysis
// that @neo4j-cypher/language-support compiles from Neo4j's code base), offline.
//
// stdin:  {"schema": {"labels": [...], "relationshipTypes": [...], "propertyKeys": [...]},
//          "statements": [{"id": "...", "cypher": "...", "parameters": ["rows", ...]}, ...]}
// stdout: [{"id": "...", "diagnostics": [{"severity": "error"|"warning", "message": "...",
//           "line": 1, "column": 1}, ...]}, ...]   (one entry per statement, in input order)
//
// Functions and procedures are checked against the Neo4j 5 catalogue the package ships (captured
// from a Neo4j server by its authors), without APOC and GDS: policykg needs neither plugin.
'use strict';

const ls = require('@neo4j-cypher/language-support');

const VERSION = 'CYPHER 5';
const PLUGINS = /^(apoc|gds)\./;

function catalogue(registry) {
  const out = {};
  for (const [name, entry] of Object.entries(registry[VERSION] || {})) {
    if (!PLUGINS.test(name)) out[name] = entry;
  }
  return { [VERSION]: out };
}

function main(input) {
  const { schema = {}, statements = [] } = JSON.parse(input);
  const mock = ls.testData.mockSchema;
  const functions = catalogue(mock.functions);
  const procedures = catalogue(mock.procedures);
  if (Object.keys(functions[VERSION]).length < 50 || !procedures[VERSION]['dbms.components']) {
    throw new Error('the Neo4j 5 function/procedure catalogue is missing from @neo4j-cypher/language-support');
  }
  return statements.map(({ id, cypher, parameters = [] }) => {
    const dbSchema = {
      defaultLanguage: VERSION,
      labels: schema.labels || [],
      relationshipTypes: schema.relationshipTypes || [],
      propertyKeys: schema.propertyKeys || [],
      parameters: Object.fromEntries(parameters.map((p) => [p, null])),
      functions,
      procedures,
    };
    const { diagnostics } = ls.lintCypherQuery(cypher, dbSchema, { consoleCommandsEnabled: false });
    return {
      id,
      diagnostics: diagnostics.map((d) => ({
        severity: d.severity === 1 ? 'error' : 'warning',
        message: d.message,
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
      })),
    };
  });
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  try {
    process.stdout.write(JSON.stringify(main(input)));
  } catch (err) {
    process.stderr.write(`cypher lint: ${err.message}\n`);
    process.exit(2);
  }
});
