// Validates JSON files against a JSON schema with ajv 6 (installed by setup.sh): draft-07
// schemas such as tests/integration/schemas/ (keyward's --format gitlab report) and
// draft-04 ones such as SARIF's (validate.js finds that one in its package). Run from the
// source tree with NODE_PATH set to the validator directory's node_modules, or from that
// directory after setup.sh copied it there.
// usage: node validate_schema.js <schema.json> <file.json>...   exit 0 valid, 1 invalid, 2 set-up error
"use strict";
const fs = require("fs");

// Prints one line per file (and the schema's complaints); returns the process exit status.
function validateFiles(schemaPath, files, label) {
  let Ajv;
  try {
    Ajv = require("ajv");
  } catch (e) {
    console.error("validator dependencies missing (tests/integration/validators/setup.sh DIR): " + e.message);
    return 2;
  }
  let validate;
  try {
    // "auto" reads draft-04's "id" as well as draft-07's "$id"; formats ajv does not know
    // (SARIF names a few) are not checked rather than refused.
    const ajv = new Ajv({ allErrors: true, schemaId: "auto", unknownFormats: "ignore" });
    ajv.addMetaSchema(require("ajv/lib/refs/json-schema-draft-04.json"));
    validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));
  } catch (e) {
    console.error(schemaPath + ": not a usable schema: " + e.message);
    return 2;
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
      console.log(f + ": valid against " + (label || schemaPath));
    } else {
      bad++;
      console.log(f + ": INVALID");
      for (const e of validate.errors) console.log("  " + (e.dataPath || "/") + " " + e.message + " " + JSON.stringify(e.params));
    }
  }
  return bad ? 1 : 0;
}

module.exports = { validateFiles };

if (require.main === module) {
  const [schemaPath, ...files] = process.argv.slice(2);
  if (!schemaPath || !files.length) {
    console.error("usage: node validate_schema.js <schema.json> <file.json>...");
    process.exit(2);
  }
  process.exit(validateFiles(schemaPath, files));
}
