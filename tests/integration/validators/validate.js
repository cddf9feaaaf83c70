// Validates SARIF files against the SARIF 2.1.0 JSON schema (draft-07) with ajv.
// usage: node validate.js <file.sarif>...   exit 0 valid, 1 invalid, 2 set-up error
"use strict";
const fs = require("fs");
const path = require("path");
let Ajv, schemaPath;
try {
  Ajv = require("ajv");
  schemaPath = path.join(path.dirname(require.resolve("@microsoft/jest-sarif/package.json")),
                         "lib", "schemas", "sarif-2.1.0-rtm.5.json");
} catch (e) {
  console.error("validator dependencies missing (npm install in " + __dirname + "): " + e.message);
  process.exit(2);
}
const schema = JSON.parse(fs.readFileSync(schemaPath, "utf8"));
// The schema is draft-04 (it uses "id"); ajv 6 knows draft-04 once its meta-schema is added.
const ajv = new Ajv({ allErrors: true, schemaId: "auto", unknownFormats: "ignore" });
ajv.addMetaSchema(require("ajv/lib/refs/json-schema-draft-04.json"));
const validate = ajv.compile(schema);
let bad = 0;
for (const f of process.argv.slice(2)) {
  const doc = JSON.parse(fs.readFileSync(f, "utf8"));
  if (validate(doc)) {
    console.log(f + ": valid SARIF 2.1.0 (" + schema.id + ")");
  } else {
    bad++;
    console.log(f + ": INVALID");
    for (const e of validate.errors) console.log("  " + e.dataPath + " " + e.message + " " + JSON.stringify(e.params));
  }
}
process.exit(bad ? 1 : 0);
