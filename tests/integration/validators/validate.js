// Validates SARIF files against the SARIF 2.1.0 JSON schema (draft-04), the copy that the
// @microsoft/jest-sarif package ships, with validate_schema.js.
// usage: node validate.js <file.sarif>...   exit 0 valid, 1 invalid, 2 set-up error
"use strict";
const path = require("path");
const { validateFiles } = require("./validate_schema.js");
let schemaPath;
try {
  schemaPath = path.join(path.dirname(require.resolve("@microsoft/jest-sarif/package.json")),
                         "lib", "schemas", "sarif-2.1.0-rtm.5.json");
} catch (e) {
  console.error("validator dependencies missing (npm install in " + __dirname + "): " + e.message);
  process.exit(2);
}
process.exit(validateFiles(schemaPath, process.argv.slice(2), "SARIF 2.1.0"));
