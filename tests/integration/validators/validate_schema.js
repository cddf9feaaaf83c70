// Validates JSON files against a draft-07 JSON schema with ajv (the ajv that setup.sh
// installs for the SARIF check). Used for keyward's --format gitlab report and the schema in
// tests/integration/schemas/. Run from the source tree with NODE_PATH set to the validator
// directory's node_modules, or from that directory after setup.sh copied it there.
// usage: node validate_schema.js <schema.json> <file.json>...   exit 0 valid, 1 invalid, 2 set-up error
"use strict";
const fs = require("fs");
let Ajv;
try {
  Ajv = require("ajv");
} catch (e) {
  console.error("validator dependencies missing (tests/integration/validators/setup.sh DIR): " + e.message);
  process.exit(2);
}
const [schemaPath, ...files] = process.argv.slice(2);
if (!schemaPath || !files.length) {
  console.error("usage: node validate_schema.js <schema.json> <file.json>...");
  process.exit(2);
}
let validate;
try {
  const ajv = new Ajv({ allErrors: true });
  validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));
} catch (e) {
  console.error(schemaPath + ": not a usable schema: " + e.message);
  process.exit(2);
}
let bad = 0;
for (const f of files) {
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(f, "utf8"));
  } catch (e) {
    bad++;
    console.log(f + ": INVALID (not JSON: " + e.message + ")");
    continue;
  }
  if (validate(doc)) {
    console.log(f + ": valid against " + schemaPath);
  } else {
    bad++;
    console.log(f + ": INVALID");
    for (const e of validate.errors) console.log("  " + (e.dataPath || "/") + " " + e.message + " " + JSON.stringify(e.params));
  }
}
process.exit(bad ? 1 : 0);
